/**
 * Draws a plant (stem and leaves on a sky-to-soil gradient) as RGB pixels: the demo camera's
 * "photograph". `frame` turns the plant a little each shot, as on the imager's turntable.
 */
export function drawPlant(width: number, height: number, frame: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  const soil = Math.floor(height * 0.8);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      if (y < soil) {
        const t = y / soil;
        rgb[i] = 150 + 60 * t;
        rgb[i + 1] = 190 + 40 * t;
        rgb[i + 2] = 240;
      } else {
        rgb[i] = 110;
        rgb[i + 1] = 72;
        rgb[i + 2] = 40;
      }
    }
  }
  const cx = width / 2;
  const top = height * 0.2;
  const paint = (x: number, y: number, r: number, g: number, b: number) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const i = (Math.floor(y) * width + Math.floor(x)) * 3;
    rgb[i] = r;
    rgb[i + 1] = g;
    rgb[i + 2] = b;
  };
  // Stem.
  const stemWidth = Math.max(2, width / 120);
  for (let y = top; y < soil; y++) for (let dx = -stemWidth; dx <= stemWidth; dx++) paint(cx + dx, y, 40, 120, 40);
  // Leaves: ellipses along the stem, alternating sides, their size following the turn angle.
  const leaves = 6;
  const angle = (frame * Math.PI) / 18;
  for (let k = 0; k < leaves; k++) {
    const y0 = top + ((soil - top) * (k + 0.5)) / leaves;
    const side = (k % 2 ? 1 : -1) * Math.cos(angle + k);
    const length = (width / 6) * (1 - k / (leaves * 1.5)) * Math.max(0.25, Math.abs(side));
    const thickness = height / 40;
    const direction = side >= 0 ? 1 : -1;
    for (let t = 0; t <= length; t++) {
      const half = thickness * Math.sin((Math.PI * t) / length);
      for (let dy = -half; dy <= half; dy++) paint(cx + direction * t, y0 - t * 0.35 + dy, 60, 160 - k * 8, 50);
    }
  }
  return rgb;
}
