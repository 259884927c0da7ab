package scraper

import "github.com/padron/padron/census"

// eleccionesSite is the 2026 page: a script-rendered form whose code posts
// JSON to a separate API with the captcha token as a Bearer header.
func eleccionesSite(pageURL, apiURL string) site {
	return site{
		source:    census.SourceElecciones,
		pageURL:   pageURL,
		answerURL: apiURL,
		inspectJS: `() => {` + commonJS + eleccionesButtonJS + `
	return state({
		'input#document': () => document.querySelector('input#document'),
		'div.g-recaptcha[data-sitekey]': () => document.querySelector('.g-recaptcha[data-sitekey]'),
		'textarea#g-recaptcha-response': () => document.querySelector('textarea[name="g-recaptcha-response"]'),
		'button "Consultar"': consultar,
	});
}`,
		submitJS: `(cedula, token) => {` + commonJS + eleccionesButtonJS + `
	setValue(document.querySelector('input#document'), cedula);
	setToken(token);
	consultar().click();
}`,
	}
}

// eleccionesButtonJS finds the "Consultar" button by its label: the React
// page gives it no id.
const eleccionesButtonJS = `
const consultar = () => Array.from(document.querySelectorAll('button, input[type="submit"]'))
	.find((b) => (b.textContent || b.value || '').trim().toLowerCase() === 'consultar');
`
