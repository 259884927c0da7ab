// The referral link as a QR code, drawn as SVG elements (no HTML strings,
// nothing fetched): uqr encodes, we draw one path.
import { encode } from "../vendor/uqr.mjs";
import { h } from "./dom.js";

export function qrCode(text, label) {
  const { size, data } = encode(text, { ecc: "M", border: 2 });
  let d = "";
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (data[y][x]) d += `M${x} ${y}h1v1h-1z`;
    }
  }
  return h("svg:svg", {
    viewBox: `0 0 ${size} ${size}`, role: "img", "aria-label": label, class: "qr",
    "shape-rendering": "crispEdges",
  },
  h("svg:rect", { width: size, height: size, fill: "#fff" }),
  h("svg:path", { d, fill: "#000" }));
}
