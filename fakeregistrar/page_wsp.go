package fakeregistrar

import "html/template"

// wspPageData fills the legacy form page.
type wspPageData struct {
	Token   string // the session's nonce
	SiteKey string
}

// recaptchaWidget is the DOM Google's api.js leaves in div.g-recaptcha (the
// fake loads no script): the checkbox iframe and the hidden response
// textarea a solver fills. The separate challenge iframe carries the word
// "challenge" in its title, as Google's does, to catch naive block detection.
const recaptchaWidget = `{{define "recaptcha"}}<div class="g-recaptcha" data-sitekey="{{.}}"><div style="width: 304px; height: 78px;"><div><iframe title="reCAPTCHA" width="304" height="78" role="presentation" name="a-fake0recaptcha" frameborder="0" scrolling="no" sandbox="allow-forms allow-popups allow-same-origin allow-scripts allow-top-navigation allow-modals allow-popups-to-escape-sandbox allow-storage-access-by-user-activation" src="about:blank"></iframe></div><textarea id="g-recaptcha-response" name="g-recaptcha-response" class="g-recaptcha-response" style="width: 250px; height: 40px; border: 1px solid rgb(193, 193, 193); margin: 10px 25px; padding: 0px; resize: none; display: none;"></textarea></div><iframe style="display: none;"></iframe></div>{{end}}
{{define "challenge"}}<div style="visibility: hidden; position: absolute; width: 100%; top: -10000px; left: 0px; right: 0px; transition: visibility linear 0.3s, opacity 0.3s linear; opacity: 0;"><div style="width: 100%; height: 100%; position: fixed; top: 0px; left: 0px; z-index: 2000000000; background-color: rgb(255, 255, 255); opacity: 0.05;"></div><div style="border: 1px solid rgb(204, 204, 204); z-index: 2000000000; position: absolute;"><iframe title="recaptcha challenge expires in two minutes" name="c-fake0recaptcha" frameborder="0" scrolling="no" sandbox="allow-forms allow-popups allow-same-origin allow-scripts allow-top-navigation allow-modals allow-popups-to-escape-sandbox allow-storage-access-by-user-activation" src="about:blank" style="width: 100%; height: 100%;"></iframe></div></div>{{end}}`

var wspPage = template.Must(template.Must(template.New("widgets").Parse(recaptchaWidget)).New("wsp").Parse(`<!DOCTYPE html>
<html lang="es">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Consulta Lugar de Votación - Registraduría Nacional del Estado Civil</title>
<style>
body{font-family:Arial,Helvetica,sans-serif;margin:0;background:#f5f5f5;color:#333}
header{background:#8a1538;color:#fff;padding:12px 24px}
main{max-width:900px;margin:24px auto;background:#fff;padding:24px}
label{display:block;margin-top:12px;font-weight:bold}
input[type=text],select{width:100%;max-width:320px;padding:6px}
#enviar{margin-top:16px;padding:8px 24px;background:#8a1538;color:#fff;border:0;cursor:pointer}
.alert-danger{color:#a94442;background:#f2dede;padding:10px;margin-top:12px}
table{border-collapse:collapse;width:100%;margin-top:16px}th,td{border:1px solid #ddd;padding:6px;text-align:left}
</style>
</head>
<body>
<header><strong>Registraduría Nacional del Estado Civil</strong></header>
<main>
<h2 class="titulo">INFORMACIÓN DEL LUGAR DE VOTACIÓN</h2>
<form id="formConsulta" method="post" action="" enctype="multipart/form-data" autocomplete="off">
<label for="nuip">Número de documento de identidad</label>
<input type="text" id="nuip" name="nuip" maxlength="10" placeholder="Sin puntos ni espacios" required>
<label for="tipo">Tipo de consulta</label>
<select id="tipo" name="tipo">
<option value="-1" selected>LUGAR DE VOTACIÓN ACTUAL</option>
<option value="2">ELECCIONES DE AUTORIDADES LOCALES 2023</option>
<option value="1">ELECCIONES DE CONGRESO Y PRESIDENCIA 2022</option>
</select>
<input type="hidden" id="token" name="token" value="{{.Token}}">
<div class="captcha">{{template "recaptcha" .SiteKey}}</div>
<div id="error" class="alert alert-danger" role="alert" style="display:none"></div>
<input type="submit" id="enviar" name="enviar" value="Consultar">
</form>
<div id="success"></div>
</main>
{{template "challenge"}}
<script>
(function () {
  var form = document.getElementById('formConsulta');
  var errorBox = document.getElementById('error');
  var success = document.getElementById('success');
  var button = document.getElementById('enviar');
  function showError(html) { errorBox.innerHTML = html; errorBox.style.display = 'block'; }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    errorBox.style.display = 'none';
    errorBox.innerHTML = '';
    success.innerHTML = '';
    var captcha = document.getElementById('g-recaptcha-response').value;
    if (!captcha) { showError('Marque el cuadro de verificación (Captcha: No soy un robot)'); return; }
    var fd = new FormData();
    fd.append('nuip', document.getElementById('nuip').value);
    fd.append('tipo', document.getElementById('tipo').value);
    fd.append('token', document.getElementById('token').value);
    fd.append('g-recaptcha-response', captcha);
    button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open('POST', window.location.href, true);
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.onload = function () {
      button.disabled = false;
      var data;
      try { data = JSON.parse(xhr.responseText); } catch (e) {
        // Not JSON: the firewall answered. Show its page as the browser would.
        document.open(); document.write(xhr.responseText); document.close();
        return;
      }
      var message = (data && data.data && data.data.message) || '';
      if (data.success) { success.innerHTML = message; return; }
      if (data.reload) { window.location.reload(); return; }
      showError(message);
    };
    xhr.onerror = function () { button.disabled = false; showError('No fue posible realizar la consulta. Intente nuevamente.'); };
    xhr.send(fd);
  });
})();
</script>
</body>
</html>
`))
