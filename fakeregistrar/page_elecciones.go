package fakeregistrar

import "html/template"

// eleccionesPageData fills the 2026 page.
type eleccionesPageData struct {
	SiteKey string
	APIURL  string
}

// eleccionesPage stands in for the 2026 React page: same ids, same request to
// the API, results rendered into #resultado. No external script is loaded.
var eleccionesPage = template.Must(template.Must(template.New("widgets").Parse(recaptchaWidget)).New("elecciones").Parse(`<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Elecciones Colombia 2026 - Consulta tu lugar de votación</title>
<style>
body{font-family:Roboto,Arial,sans-serif;margin:0;background:#eef2f7;color:#1d2b3a}
.card{max-width:560px;margin:40px auto;background:#fff;border-radius:12px;padding:28px;box-shadow:0 2px 8px rgba(0,0,0,.08)}
input{width:100%;padding:10px;font-size:16px;box-sizing:border-box}
button{margin-top:16px;padding:10px 28px;background:#0b3d91;color:#fff;border:0;border-radius:6px;font-size:16px;cursor:pointer}
.error{color:#b00020;margin-top:12px}
dl{display:grid;grid-template-columns:auto 1fr;gap:6px 16px}dt{font-weight:bold}
</style>
</head>
<body>
<div id="root"><div class="card">
<h1>Consulta tu lugar de votación</h1>
<form id="consulta-form" novalidate>
<label for="document">Número de cédula de ciudadanía</label>
<input id="document" name="document" type="number" maxlength="11" placeholder="Ingresa tu número de documento" inputmode="numeric">
<div class="captcha">{{template "recaptcha" .SiteKey}}</div>
<button type="submit" class="btn-consultar">Consultar</button>
</form>
<div id="error" class="error" role="alert"></div>
<section id="resultado" aria-live="polite"></section>
</div></div>
{{template "challenge"}}
<script>
(function () {
  var API = {{.APIURL}};
  var form = document.getElementById('consulta-form');
  var errorBox = document.getElementById('error');
  var result = document.getElementById('resultado');
  var button = form.querySelector('button');
  function esc(s) { var d = document.createElement('div'); d.textContent = s == null ? '' : String(s); return d.innerHTML; }
  function fail(msg) { errorBox.textContent = msg; }
  function render(status, body) {
    var data;
    try { data = JSON.parse(body); } catch (e) { fail('No fue posible realizar la consulta. Intenta más tarde.'); return; }
    if (status === 403 || data.status_code === 403) { fail('La verificación de seguridad no es válida o expiró. Intenta de nuevo.'); return; }
    if (status >= 500) { fail('El servicio no está disponible en este momento. Intenta más tarde.'); return; }
    if (data.status_code === 13) { result.innerHTML = '<p class="no-censo">El documento consultado no se encuentra en el censo electoral.</p>'; return; }
    var d = data.data || {};
    if (d.novelty && d.novelty.length) {
      var n = d.novelty[0];
      result.innerHTML = '<dl class="novedad"><dt>Novedad</dt><dd>' + esc(n.name) + '</dd><dt>Resolución</dt><dd>' + esc(n.resolution) +
        '</dd><dt>Fecha</dt><dd>' + esc(n.date) + '</dd></dl>';
      return;
    }
    var p = d.polling_place;
    if (!p || !p.place_address) { fail('No fue posible interpretar la respuesta.'); return; }
    result.innerHTML = '<dl class="lugar"><dt>Departamento</dt><dd>' + esc(p.place_address.state) +
      '</dd><dt>Municipio</dt><dd>' + esc(p.place_address.town) + '</dd><dt>Puesto</dt><dd>' + esc(p.stand) +
      '</dd><dt>Dirección</dt><dd>' + esc(p.place_address.address) + '</dd><dt>Mesa</dt><dd>' + esc(p.table) + '</dd></dl>';
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    errorBox.textContent = '';
    result.innerHTML = '';
    var doc = document.getElementById('document').value.trim();
    if (!doc) { fail('Ingresa tu número de documento.'); return; }
    var token = document.getElementById('g-recaptcha-response').value;
    if (!token) { fail('Por favor confirma que no eres un robot.'); return; }
    button.disabled = true;
    fetch(API, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + token },
      body: JSON.stringify({ identification: doc, identification_type: 'CC', election_code: 'congreso', module: 'polling_place', platform: 'web' })
    }).then(function (r) {
      return r.text().then(function (t) { render(r.status, t); });
    }).catch(function () {
      fail('No fue posible realizar la consulta. Intenta más tarde.');
    }).then(function () { button.disabled = false; });
  });
})();
</script>
</body>
</html>
`))
