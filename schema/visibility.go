package schema

// SeesUserRule is the one API-rule expression for "the request's auth may see the
// census data of the user in field", so every collection's rules follow the same tree.
//
// It reads the closure table (NetworkCollection) through the back-relation
// network_via_descendant: the user is the auth themself (the depth-0 row), or a
// leader's or coordinator's descendant at any depth. Every condition sits on one
// joined network row whose ancestor is the auth, so SQLite drives the query from the
// closure's down (ancestor, depth, descendant) or up (descendant, depth, ancestor)
// index instead of scanning users.
func SeesUserRule(field string) string {
	path := field + ".network_via_descendant"
	if field == "id" {
		path = "network_via_descendant"
	}
	return path + `.ancestor ?= @request.auth.id && (` + path + `.depth ?= 0 || @request.auth.role = "` +
		RoleLeader + `" || @request.auth.role = "` + RoleCoordinator + `")`
}

// ManagerRoles are the roles that see census data below them; RoleCoordinator also manages.
var ManagerRoles = []string{RoleLeader, RoleCoordinator}
