// Ingreso: cédula (with or without dots) and password, and "Recordarme".
import { h } from "../dom.js";
import { field, checkbox, title, busy, formAlert } from "../ui.js";
import { login } from "../session.js";
import { checkCedula, filterCedula } from "../validate.js";

export default function ingreso(root, { navigate, params }) {
  root.classList.add("narrow");
  const cedula = field({
    label: "Cédula", name: "identity", inputmode: "numeric", autocomplete: "username",
    hint: "Con o sin puntos, por ejemplo 1.102.812.122",
    // Administrators sign in with their email: letters switch the filter off.
    check: (v) => (v.includes("@") ? "" : checkCedula(v)),
    filter: (v) => (/[^0-9.\s]/.test(v) && /[a-z@]/i.test(v) ? v : filterCedula(v)),
  });
  const password = field({
    label: "Contraseña", name: "password", type: "password", autocomplete: "current-password",
    check: (v) => (v ? "" : "Ingresa tu contraseña."),
  });
  const remember = checkbox({ name: "remember", label: "Recordarme en este dispositivo (14 días)", checked: true });
  const formError = formAlert();
  const submit = h("button", { type: "submit", class: "btn primary" }, "Ingresar");

  const form = h("form", { novalidate: true, class: "card form" },
    cedula.el, password.el, remember.el, formError.el, submit);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    formError.clear();
    const ok = [cedula.validate(), password.validate()];
    if (ok.includes(false)) {
      (ok[0] ? password : cedula).input.focus();
      return;
    }
    await busy(submit, "Ingresando…", async () => {
      try {
        await login(cedula.value, password.value, remember.checked);
      } catch (err) {
        if (err?.status === 400) formError.show("Cédula o contraseña incorrectas.");
        else formError.fail(err);
        password.value = "";
        password.input.focus();
        return;
      }
      const next = params.get("next");
      await navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/inicio");
    });
  });

  root.append(
    title("Ingresar"),
    h("p", { class: "lead" }, "Entra con tu cédula para ver tu estado en el censo y a tus referidos."),
    form,
    h("p", { class: "aside" }, "¿No tienes cuenta? ", h("a", { href: "/registro" }, "Regístrate"),
      ". Si olvidaste tu contraseña, pídele a tu líder que contacte al administrador."),
  );
}
