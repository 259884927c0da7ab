package registrar

// The real sites and sitekeys, from the registrar contract; tests and demos
// point the lookup at the fakes instead.
const (
	// WSPURL is the legacy census page.
	WSPURL = "https://wsp.registraduria.gov.co/censo/consultar/"
	// EleccionesURL is the 2026 lookup page.
	EleccionesURL = "https://eleccionescolombia.registraduria.gov.co/identificacion"
	// EleccionesAPIURL is the 2026 site's JSON endpoint, whose answer is read.
	EleccionesAPIURL = "https://apiweb-eleccionescolombia.infovotantes.com/api/v1/citizen/get-information"
	// WSPSiteKey is the reCAPTCHA sitekey the legacy page carries.
	WSPSiteKey = "6LcthjAgAAAAAFIQLxy52074zanHv47cIvmIHglH"
	// EleccionesSiteKey is the reCAPTCHA sitekey the 2026 page carries.
	EleccionesSiteKey = "6Lc9DmgrAAAAAJAjWVhjDy1KSgqzqJikY5z7I9SV"
)
