package tree

import (
	"modernc.org/libc"
	"modernc.org/libc/sys/types"
)

// The pure-Go SQLite takes its memory from modernc.org/libc's allocator,
// which maps 64 KiB pages per block size and unmaps a page the moment its
// last block is freed. A b-tree page split (every few inserts into an
// index) allocates and frees one scratch block of some KiB, so it paid an
// mmap and an munmap each time: about a third of a branch move's CPU.
// Holding one block of each size for the life of the process keeps one
// page of each size mapped, and the splits reuse its free blocks.
func init() {
	tls := libc.NewTLS()
	defer tls.Close()
	for log := 6; log <= 14; log++ {
		libc.Xmalloc(tls, types.Size_t(1<<log-64))
	}
}
