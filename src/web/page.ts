/**
 * The dashboard's HTML: a shell whose script (src/web/page/dashboard.ts, served as
 * /dashboard.js) fills it. The server passes the gateway's port and the token in meta elements;
 * the page holds no inline script or style, so that its policy can forbid them.
 */
export function dashboardPage(settings: { gatewayPort: number; token: string | undefined }): string {
  const withToken = (path: string) =>
    settings.token === undefined ? path : `${path}?token=${encodeURIComponent(settings.token)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="plantrpc-gateway-port" content="${settings.gatewayPort}">
<meta name="plantrpc-token" content="${escapeAttribute(settings.token ?? "")}">
<title>Plant Imager devices</title>
<link rel="stylesheet" href="${escapeAttribute(withToken("/dashboard.css"))}">
<script type="module" src="${escapeAttribute(withToken("/dashboard.js"))}"></script>
</head>
<body>
<header><h1>Plant Imager devices</h1><span id="status">connecting…</span></header>
<main id="devices"><p class="empty">Waiting for the registry…</p></main>
</body>
</html>
`;
}

/** Text for a double-quoted HTML attribute. */
export function escapeAttribute(text: string): string {
  return text.replace(/[&"<>']/g, (c) => `&#${c.charCodeAt(0)};`);
}
