package tree

// SetIDPrefixes makes attach draw its id prefixes from draw until the
// returned function restores the random ones (tests of a prefix drawn twice).
func SetIDPrefixes(draw func() string) (restore func()) {
	old := newIDPrefix
	newIDPrefix = draw
	return func() { newIDPrefix = old }
}
