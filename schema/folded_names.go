package schema

// FoldedNamesTable keeps every user's name folded for search (FoldNameSQL),
// one row per user, written by SQLite triggers on users (so plain inserts,
// as the demo's seeding makes, are folded too): a search of a 20,000-person
// subtree compares stored text instead of folding every name per request.
// A plain table, not a collection: no API reads it.
const FoldedNamesTable = "users_folded"

// FoldNameSQL is the SQL expression of name (a column or expression) in
// lower case without Spanish accents (ñ as n), as the list's search reads
// it (JavaScript's NFD fold): what FoldedNamesTable stores.
func FoldNameSQL(name string) string {
	expr := name
	for _, p := range [][2]string{
		{"á", "a"}, {"é", "e"}, {"í", "i"}, {"ó", "o"}, {"ú", "u"}, {"ü", "u"}, {"ñ", "n"},
		{"Á", "a"}, {"É", "e"}, {"Í", "i"}, {"Ó", "o"}, {"Ú", "u"}, {"Ü", "u"}, {"Ñ", "n"},
		{"à", "a"}, {"è", "e"}, {"ì", "i"}, {"ò", "o"}, {"ù", "u"},
	} {
		expr = "replace(" + expr + ", '" + p[0] + "', '" + p[1] + "')"
	}
	return "lower(" + expr + ")"
}
