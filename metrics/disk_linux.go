package metrics

import "syscall"

// filesystem reports the size and the space available to us of the
// filesystem holding dir.
func filesystem(dir string) (size, avail uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, false
	}
	return st.Blocks * uint64(st.Bsize), st.Bavail * uint64(st.Bsize), true
}
