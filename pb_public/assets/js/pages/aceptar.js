// Aceptar: shown instead of any page to a person who accepted an older
// version of the data policy, until they accept the one in force or
// withdraw (which deletes their account).
import { h, replace } from "../dom.js";
import { checkbox, title, busy, formAlert, toast } from "../ui.js";
import { refresh, logout, message } from "../session.js";
import { resetLive } from "../live.js";
import { policyTexts, setConsent } from "../policy.js";

export default async function aceptar(root, { navigate }) {
  root.classList.add("narrow");
  const box = h("div", { class: "card form" }, h("p", { class: "loading" }, "Cargando la política…"));
  root.append(
    title("Actualizamos la política de datos"),
    h("p", { class: "lead" }, "Para seguir usando la aplicación, lee la nueva versión y acéptala. Si no estás de acuerdo, puedes retirar tu autorización: eliminaremos tu cuenta."),
    box);
  let texts;
  try {
    texts = await policyTexts();
  } catch (err) {
    replace(box, h("p", { class: "form-error", role: "alert" }, message(err, "No pudimos cargar la política. Recarga la página.")));
    return;
  }
  const accept = checkbox({ name: "accept_policy", label: texts.processing.text });
  const formError = formAlert();
  const ok = h("button", { type: "submit", class: "btn primary" }, "Aceptar y continuar");
  const no = h("button", { type: "button", class: "btn danger" }, "No acepto: eliminar mi cuenta");
  const form = h("form", { novalidate: true, class: "card form", "data-testid": "accept-form" },
    h("p", { class: "notice" }, texts.notice),
    h("p", {}, h("a", { href: "/politica-de-datos", target: "_blank" }, `Leer la política completa (versión ${texts.version})`)),
    accept.el, formError.el, h("div", { class: "actions" }, ok, no));
  box.replaceWith(form);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    formError.clear();
    if (!accept.checked) {
      accept.setError("Marca la casilla para aceptar la política.");
      accept.input.focus();
      return;
    }
    await busy(ok, "Guardando…", async () => {
      try {
        await setConsent("processing", true, texts.processing);
      } catch (err) {
        formError.fail(err, "No pudimos guardar tu aceptación. Inténtalo de nuevo.");
        return;
      }
      await refresh();
      toast("Gracias. Aceptaste la política de datos.", "ok");
      await navigate(location.pathname + location.search, { replace: true });
    });
  });
  no.addEventListener("click", async () => {
    if (!window.confirm("Se eliminarán tu cuenta y todos tus datos. Esta acción no se puede deshacer. ¿Continuar?")) return;
    await busy(no, "Eliminando…", async () => {
      try {
        await setConsent("processing", false);
      } catch (err) {
        formError.fail(err, "No pudimos eliminar tu cuenta. Inténtalo de nuevo.");
        return;
      }
      logout(); resetLive();
      await navigate("/ingreso");
      toast("Retiraste tu autorización. Tu cuenta y tus datos fueron eliminados.", "ok");
    });
  });
}
