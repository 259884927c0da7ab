//go:build !linux

package metrics

// filesystem is known on Linux only.
func filesystem(string) (size, avail uint64, ok bool) { return 0, 0, false }
