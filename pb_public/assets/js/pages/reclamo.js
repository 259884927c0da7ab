// Reclamo: someone registered your cédula. The person leaves their name,
// phone and the password they want; the campaign's team checks the case and
// calls them, and hands the cédula over (an account with that password) if
// it is theirs. Validation is the registration's; the server's per-field
// errors land on their fields. Who holds the cédula is never shown.
import { h, replace } from "../dom.js";
import { field, title, busy, formAlert, showFieldErrors, liveValidation, validateNow } from "../ui.js";
import { pb } from "../session.js";
import { consentFields } from "../policy.js";
import { formatPhone } from "../format.js";
import {
  checkName, checkCedula, checkPhone, checkPassword, checkConfirm, PASSWORD_HINT,
  filterName, filterCedula, filterPhone,
} from "../validate.js";

export default function reclamo(root, { params }) {
  root.classList.add("narrow");

  const fields = {
    name: field({ label: "Nombre completo", name: "name", autocomplete: "name", check: checkName, filter: filterName, maxlength: 160 }),
    cedula: field({
      label: "Cédula", name: "cedula", inputmode: "numeric", autocomplete: "off",
      hint: "La cédula que otra persona registró. Solo números; puedes escribir los puntos.",
      check: checkCedula, filter: filterCedula, value: filterCedula(params.get("cedula") || ""),
    }),
    phone: field({
      label: "Celular", name: "phone", type: "tel", inputmode: "tel", autocomplete: "tel-national",
      hint: "10 dígitos, empieza por 3. A este número te contactará el equipo de la campaña.", check: checkPhone, filter: filterPhone,
    }),
    email: field({
      label: "Correo electrónico (opcional)", name: "email", type: "email", inputmode: "email", autocomplete: "email",
      required: false, maxlength: 255, spellcheck: "false",
    }),
    password: field({
      label: "Contraseña", name: "password", type: "password", autocomplete: "new-password",
      hint: `${PASSWORD_HINT} Será la de tu cuenta si la cédula es tuya.`, check: checkPassword,
    }),
  };
  fields.passwordConfirm = field({
    label: "Confirma la contraseña", name: "passwordConfirm", type: "password", autocomplete: "new-password",
    check: (v) => checkConfirm(fields.password.value, v),
  });
  // The registration's authorisations, with the same texts and hashes: the
  // account handed over carries them as consents given by claim.
  const consents = consentFields();
  const policy = consents.policy;
  const formError = formAlert();
  const submit = h("button", { type: "submit", class: "btn primary" }, "Enviar reporte");

  const pending = liveValidation(fields, policy, formError);

  const form = h("form", { novalidate: true, class: "card form" },
    Object.values(fields).map((f) => f.el), consents.el, formError.el, submit);

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!validateNow(fields, policy, pending, formError, "reclamo")) return;
    const body = {
      name: fields.name.value, cedula: fields.cedula.value, phone: fields.phone.value,
      password: fields.password.value, passwordConfirm: fields.passwordConfirm.value,
      ...consents.body(),
    };
    const email = fields.email.value.trim();
    if (email) body.email = email;
    await busy(submit, "Enviando tu reporte…", async () => {
      let claim;
      try {
        claim = await pb.collection("cedula_claims").create(body);
      } catch (err) {
        const { first, errors } = showFieldErrors(err, { ...fields, ...consents.errorFields });
        if (errors.cedula && err?.response?.data?.cedula?.code === "cedula_not_registered") {
          fields.cedula.setError([errors.cedula, " ", h("a", { href: "/registro" }, "Ir al registro")]);
        }
        formError.fail(err, "No pudimos enviar tu reporte. Inténtalo de nuevo.", !!first);
        (first?.input || submit).focus();
        return;
      }
      done(claim?.phone || body.phone);
    });
  });

  // done replaces the form with what happens next.
  function done(phone) {
    const digits = String(phone).replace(/\D/g, "").replace(/^57(?=3\d{9}$)/, "");
    replace(root,
      title("Recibimos tu reporte"),
      h("div", { class: "card", "data-testid": "claim-done" },
        h("p", {}, "Recibimos tu reporte. El equipo de la campaña revisará el caso y te contactará al celular ",
          h("strong", {}, formatPhone(digits)), "."),
        h("p", {}, "Si la cédula es tuya, te entregaremos la cuenta: podrás ingresar con tu cédula y la contraseña que elegiste."),
        h("p", {}, h("a", { href: "/ingreso" }, "Ir a Ingresar"))));
    const t = root.querySelector("h1");
    if (t) t.focus();
  }

  root.append(
    title("Reportar una cédula registrada por otra persona"),
    h("p", { class: "lead" },
      "Si alguien registró tu cédula, cuéntanos. El equipo de la campaña revisará el caso y te contactará al celular que dejes aquí. " +
      "Si la cédula es tuya, crearemos tu cuenta con la contraseña que elijas."),
    form,
    h("p", { class: "aside" }, "¿Ya tienes cuenta con esta cédula? ", h("a", { href: "/ingreso" }, "Ingresa")),
  );
}
