package scraper

// Parse reads a registrar answer from either site, so stored raw bodies can be
// re-parsed without knowing which parser produced them.
func Parse(source Source, cedula string, status int, body []byte) (Result, error) {
	switch source {
	case SourceWSP:
		return ParseWSP(cedula, status, body)
	case SourceElecciones:
		return ParseElecciones(cedula, status, body)
	}
	return Result{}, failBody(ErrSiteChanged, body, "unknown source %q", source)
}

// failBody classifies a failure and keeps the site's raw answer as evidence.
func failBody(class error, body []byte, format string, args ...any) *LookupError {
	e := Fail(class, nil, format, args...)
	e.Evidence = &Evidence{Response: string(body)}
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
		return "", failBody(ErrSiteChanged, body, "answer is about cedula %s, asked for %s", b, a)
	}
	return asked, nil
}

// statusClass classifies an answer that is neither JSON we can read nor a
// block page, from its HTTP status alone (0 = unknown).
func statusClass(status int) error {
	switch {
	case status >= 500:
		return ErrTransient
	case status == 429:
		return ErrBlocked
	}
	return ErrSiteChanged
}
