// Registro: by a leader's link (/r/CODE → /registro?ref=CODE) or without
// one. Live validation mirrors the server's; the server's per-field errors
// land on their fields; a taken cédula's links to Ingreso and to the claim
// form (/reclamo). On success the person is logged in.
import { h, replace } from "../dom.js";
import { field, checkbox, title, busy, formAlert, showFieldErrors, liveValidation, validateNow } from "../ui.js";
import { pb, login } from "../session.js";
import { consentFields } from "../policy.js";
import {
  checkName, checkCedula, checkPhone, checkPassword, checkConfirm, PASSWORD_HINT,
  filterName, filterCedula, filterPhone,
} from "../validate.js";

export default function registro(root, { navigate, params }) {
  root.classList.add("narrow");
  const code = (params.get("ref") || "").trim();
  let ref = ""; // sent only once the server confirmed the code
  const invite = h("div", { class: "invite", role: "status", "aria-live": "polite" });

  const fields = {
    name: field({ label: "Nombre completo", name: "name", autocomplete: "name", check: checkName, filter: filterName, maxlength: 160 }),
    cedula: field({
      label: "Cédula", name: "cedula", inputmode: "numeric", autocomplete: "off",
      hint: "Solo números; puedes escribir los puntos.", check: checkCedula, filter: filterCedula,
    }),
    phone: field({
      label: "Celular", name: "phone", type: "tel", inputmode: "tel", autocomplete: "tel-national",
      hint: "10 dígitos, empieza por 3.", check: checkPhone, filter: filterPhone,
    }),
    password: field({
      label: "Contraseña", name: "password", type: "password", autocomplete: "new-password",
      hint: PASSWORD_HINT, check: checkPassword,
    }),
  };
  fields.passwordConfirm = field({
    label: "Confirma la contraseña", name: "passwordConfirm", type: "password", autocomplete: "new-password",
    check: (v) => checkConfirm(fields.password.value, v),
  });
  // The short privacy notice and the two authorisations, each labelled
  // with the exact text the server hashes and records (GET /api/policy).
  const consents = consentFields();
  const policy = consents.policy;
  const remember = checkbox({ name: "remember", label: "Recordarme en este dispositivo (14 días)", checked: true });
  const formError = formAlert();
  const submit = h("button", { type: "submit", class: "btn primary" }, "Crear mi cuenta");

  const pending = liveValidation(fields, policy, formError);

  const form = h("form", { novalidate: true, class: "card form" },
    Object.values(fields).map((f) => f.el), consents.el, remember.el, formError.el, submit);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!validateNow(fields, policy, pending, formError)) return;
    const body = {
      name: fields.name.value, cedula: fields.cedula.value, phone: fields.phone.value,
      password: fields.password.value, passwordConfirm: fields.passwordConfirm.value,
      ...consents.body(),
    };
    if (ref) body.ref = ref;
    await busy(submit, "Creando tu cuenta…", async () => {
      try {
        await pb.collection("users").create(body);
      } catch (err) {
        const { first, errors } = showFieldErrors(err, { ...fields, ...consents.errorFields });
        if (errors.cedula && err?.response?.data?.cedula?.code === "cedula_taken") {
          fields.cedula.setError(takenError(errors.cedula, body.cedula));
        }
        if (errors.ref) {
          ref = "";
          showInvite(null, "El enlace de invitación ya no es válido. Puedes registrarte igual, sin quien te invitó: envía el formulario de nuevo.");
        }
        formError.fail(err, "No pudimos crear tu cuenta. Inténtalo de nuevo.", !!first);
        (first?.input || submit).focus();
        return;
      }
      try {
        await login(body.cedula, body.password, remember.checked);
      } catch {
        await navigate("/ingreso");
        return;
      }
      await navigate("/inicio");
    });
  });

  function showInvite(first, note) {
    replace(invite,
      first ? h("p", { class: "invited" }, "Te invitó: ", h("strong", {}, first)) : null,
      note ? h("p", { class: "note" }, note) : null);
  }

  root.append(
    title("Crea tu cuenta"),
    invite,
    h("p", { class: "lead" }, "Regístrate con tu cédula: consultaremos tu lugar de votación en la Registraduría y te avisaremos aquí mismo."),
    form,
    h("p", { class: "aside" }, "¿Ya tienes cuenta? ", h("a", { href: "/ingreso" }, "Ingresa")),
  );

  if (code) {
    pb.send(`/api/referrals/${encodeURIComponent(code)}`, { method: "GET" }).then((info) => {
      ref = info.code;
      showInvite(info.first_name, "");
    }).catch((err) => {
      if (err?.status === 404) {
        // Said before the form is sent, with the way on: without a leader.
        replace(invite, h("div", { class: "note", "data-testid": "unknown-ref" },
          h("p", {}, `No reconocemos este enlace de invitación (código ${code}): no existe o ya no es válido, así que nadie quedará como quien te invitó.`),
          h("p", {}, "Si alguien te invitó, pídele su enlace otra vez. O sigue y regístrate sin invitación."),
          h("button", { type: "button", class: "btn secondary", onClick: () => {
            history.replaceState(null, "", "/registro");
            replace(invite, h("p", { class: "note" }, "Te registrarás sin invitación."));
            fields.name.input.focus();
          } }, "Registrarme sin invitación")));
      } else {
        ref = code; // the server checks it on submit
        showInvite(null, "No pudimos comprobar quién te invitó; lo verificaremos al enviar el formulario.");
      }
    });
  }
}

const LOGIN = "inicia sesión";

/**
 * takenError is the server's message for a taken cédula with the ways out
 * as links: log in, or report that someone else registered it (the claim
 * form, with the cédula typed). It tells no more than the server did.
 */
function takenError(msg, typed) {
  const at = msg.indexOf(LOGIN);
  const text = at < 0 ? [msg]
    : [msg.slice(0, at), h("a", { href: "/ingreso" }, LOGIN), msg.slice(at + LOGIN.length)];
  return [...text, h("br"),
    h("a", { href: `/reclamo?cedula=${encodeURIComponent(String(typed).trim())}` }, "¿Es tu cédula? Repórtalo")];
}
