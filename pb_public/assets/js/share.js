// The sharing kit for a person's invitation link: copy, WhatsApp with a
// prewritten message they can edit, the Web Share sheet where the browser
// has one, the QR code (shown, downloaded as PNG) and a printable card.
// Nothing is fetched: the QR is drawn here, WhatsApp is a plain link.
import { encode } from "../vendor/uqr.mjs";
import { campaign, logoURL } from "./brand.js";
import { h } from "./dom.js";
import { copyButton, toast } from "./ui.js";
import { qrCode } from "./qr.js";

/** inviteText is the prewritten invitation. */
export const inviteText = (link) =>
  `¡Hola! Te invito a unirte a nuestra red. Regístrate con tu cédula en este enlace y consulta tu lugar de votación: ${link}`;

/** linkNodes shows a link so that it can wrap only between its parts, never inside the code. */
export function linkNodes(link) {
  const at = link.lastIndexOf("/");
  const parts = link.slice(0, at + 1).split(/(?<=\/)/); // "http:/", "/", "host/", "r/"
  return [...parts.flatMap((p) => [p, h("wbr")]), h("span", { class: "code" }, link.slice(at + 1))];
}

/** qrPNG draws text's QR code on a canvas, scale px per module, as a PNG blob. */
export function qrPNG(text, scale = 12) {
  const { size, data } = encode(text, { ecc: "M", border: 4 });
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size * scale;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#000";
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (data[y][x]) ctx.fillRect(x * scale, y * scale, scale, scale);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("png"))), "image/png"));
}

/** download saves blob as name. */
function download(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, class: "visually-hidden" }, name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** shareCard is Inicio's invitation card with the whole kit. */
export function shareCard(link, code, name) {
  const text = h("textarea", { id: "invite-text", rows: "4" });
  text.value = inviteText(link);
  const wa = h("a", { class: "btn primary", target: "_blank", rel: "noopener noreferrer", "data-testid": "wa-invite",
    href: `https://wa.me/?text=${encodeURIComponent(text.value)}` }, "Invitar por WhatsApp");
  text.addEventListener("input", () => { wa.href = `https://wa.me/?text=${encodeURIComponent(text.value)}`; });
  const shareBtn = navigator.share ? h("button", {
    type: "button", class: "btn secondary",
    onClick: () => navigator.share({ title: document.title, text: text.value, url: link }).catch(() => {}),
  }, "Compartir…") : null;
  const pngBtn = h("button", {
    type: "button", class: "btn secondary", "data-testid": "qr-png",
    onClick: async () => {
      try { download(await qrPNG(link), `invitacion-${code}.png`); } catch { toast("No pudimos crear la imagen.", "warn"); }
    },
  }, "Descargar QR (PNG)");
  const printBtn = h("button", { type: "button", class: "btn secondary", onClick: printCard }, "Imprimir tarjeta");
  const card = h("div", { class: "print-card", "aria-hidden": "true" },
    printBrand(),
    h("p", { class: "print-title" }, `${name ? `${name} te invita` : "Te invitamos"} a registrarte`),
    qrCode(link, ""),
    h("p", {}, "Escanea el código con la cámara o entra a:"),
    h("p", { class: "print-link" }, linkNodes(link)));
  return h("section", { class: "card share tall", "aria-labelledby": "share-h" },
    h("h2", { id: "share-h" }, "Tu enlace de invitación"),
    h("p", {}, "Compártelo: quien se registre con él quedará como tu referido."),
    h("p", { class: "link-box" }, h("a", { href: link, class: "ref-link", "data-testid": "ref-link" }, linkNodes(link))),
    h("div", { class: "actions" }, wa, copyButton(() => link), shareBtn),
    h("details", { class: "wa-edit" }, h("summary", {}, "Editar el mensaje de invitación"),
      h("label", { for: "invite-text" }, "Mensaje"), text),
    h("figure", { class: "qr-box" }, qrCode(link, `Código QR de tu enlace de invitación ${link}`),
      h("figcaption", {}, "Muestra este código para que lo escaneen con la cámara.")),
    h("div", { class: "actions" }, pngBtn, printBtn),
    card);
}

// printBrand is the card's head: the campaign's logo (when it has one) and
// name on its colour, as in the app's header; filled once the record is
// read (applyBrand has already asked for it, so it is at hand).
function printBrand() {
  const name = h("span", { class: "print-brand-name" });
  const head = h("div", { class: "print-brand" }, name);
  campaign().then((c) => {
    name.textContent = c.name;
    const logo = logoURL(c, "192x192");
    if (logo) head.prepend(h("img", { src: logo, alt: "", width: "64", height: "64" }));
  });
  return head;
}

/**
 * printCard prints only the invitation card: a copy of it becomes the one
 * thing body shows while printing (so no blank pages of a hidden page
 * follow), once its logo is loaded; the page's other print views (the Día D
 * lists) stay as they are.
 */
async function printCard(ev) {
  const card = ev.currentTarget.closest(".share").querySelector(".print-card");
  document.querySelector("body > .print-card")?.remove();
  const sheet = card.cloneNode(true);
  document.body.append(sheet);
  await Promise.all([...sheet.querySelectorAll("img")].map((img) => img.decode().catch(() => {})));
  document.body.classList.add("printing-card");
  window.addEventListener("afterprint", () => {
    document.body.classList.remove("printing-card");
    sheet.remove();
  }, { once: true });
  window.print();
}
