export { type BenchOptions, type BenchReport, benchDevice, formatBench } from "./device-bench.js";
