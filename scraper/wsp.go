package scraper

import "github.com/padron/padron/census"

// wspSite is the legacy census page: a plain form whose script posts
// multipart by AJAX to the page's own URL and reads back JSON.
func wspSite(pageURL string) site {
	return site{
		source:  census.SourceWSP,
		pageURL: pageURL,
		inspectJS: `() => {` + commonJS + `
	return state({
		'input#nuip': () => document.querySelector('input#nuip'),
		'select#tipo': () => document.querySelector('select#tipo option[value="-1"]'),
		'input#token': () => document.querySelector('input#token'),
		'div.g-recaptcha[data-sitekey]': () => document.querySelector('.g-recaptcha[data-sitekey]'),
		'textarea#g-recaptcha-response': () => document.querySelector('textarea[name="g-recaptcha-response"]'),
		'input#enviar': () => document.querySelector('#enviar'),
	});
}`,
		submitJS: `(cedula, token) => {` + commonJS + `
	setValue(document.querySelector('input#nuip'), cedula);
	setValue(document.querySelector('select#tipo'), '-1');
	setToken(token);
	document.querySelector('#enviar').click();
}`,
	}
}
