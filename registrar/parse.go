package registrar

import "github.com/padron/padron/census"

// Parse reads a registrar answer from either site, so stored raw bodies can be
// re-parsed without knowing which parser produced them.
func Parse(source census.Source, cedula string, status int, body []byte) (census.Result, error) {
	switch source {
	case census.SourceWSP:
		return ParseWSP(cedula, status, body)
	case census.SourceElecciones:
		return ParseElecciones(cedula, status, body)
	}
	return census.Result{}, failBody(census.ErrSiteChanged, body, "unknown source %q", source)
}

// failBody classifies a failure and keeps the site's raw answer as evidence.
func failBody(class error, body []byte, format string, args ...any) *census.LookupError {
	e := census.Fail(class, nil, format, args...)
	e.Evidence = &census.Evidence{Response: string(body)}
	return e
}

// checkCedula rejects an answer about a different person (a stale or mixed-up
// response), which would otherwise store someone else's polling place.
// It returns the cédula the Result should carry.
func checkCedula(asked, answered string, body []byte) (string, error) {
	a, b := digitsOnly(asked), digitsOnly(answered)
	if asked == "" {
		return b, nil
	}
	if a != "" && b != "" && a != b {
		return "", failBody(census.ErrSiteChanged, body, "answer is about cedula %s, asked for %s", b, a)
	}
	return asked, nil
}

// StatusClass classifies an answer that is neither JSON we can read nor a
// block page, from its HTTP status alone (0 = unknown).
func StatusClass(status int) error {
	switch {
	case status >= 500:
		return census.ErrTransient
	case status == 429:
		return census.ErrBlocked
	}
	return census.ErrSiteChanged
}
