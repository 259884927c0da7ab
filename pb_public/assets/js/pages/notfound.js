// The page for any address the app does not have (served with HTTP 404).
import { h } from "../dom.js";
import { title } from "../ui.js";
import { loggedIn } from "../session.js";

export default function notFound(root) {
  root.classList.add("narrow");
  root.append(
    title("Página no encontrada"),
    h("p", { class: "lead" }, "La dirección que abriste no existe o cambió."),
    h("p", {}, h("a", { href: loggedIn() ? "/inicio" : "/ingreso", class: "btn primary" },
      loggedIn() ? "Ir al inicio" : "Ir a ingresar")),
  );
}
