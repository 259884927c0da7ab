package schema

// SeesUserRule is the one API-rule expression for "the request's auth may see the
// census data of the user in field", so every collection's rules follow the same tree.
func SeesUserRule(field string) string {
	ref := field + ".referred_by"
	if field == "id" {
		ref = "referred_by"
	}
	return field + ` = @request.auth.id || (@request.auth.role = "leader" && ` + ref + ` = @request.auth.id)`
}
