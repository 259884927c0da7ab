package hooks

import "github.com/pocketbase/pocketbase/core"

// requestCollection is the name of the collection a request's path names,
// however it spells it (name in any case, or id), or "" for a path that
// names none: router middlewares run before PocketBase resolves it.
func requestCollection(e *core.RequestEvent) string {
	name := e.Request.PathValue("collection")
	if name == "" {
		return ""
	}
	col, err := e.App.FindCachedCollectionByNameOrId(name)
	if err != nil {
		return ""
	}
	return col.Name
}
