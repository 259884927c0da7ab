package apierrors_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/padron/padron/apierrors"
)

// TestStorageFailure checks what SQLite and the kernel say about a full or
// read-only disk is recognised however PocketBase wrapped it, and nothing
// else is.
func TestStorageFailure(t *testing.T) {
	t.Parallel()
	full := errors.New("database or disk is full (13)")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("UNIQUE constraint failed: users.cedula"), ""},
		{router.NewBadRequestError("Failed to create record.", nil), ""},
		{full, apierrors.StorageFull},
		{fmt.Errorf("save: %w", full), apierrors.StorageFull},
		{router.NewBadRequestError("Failed to create record.", fmt.Errorf("submit: %w", full)), apierrors.StorageFull},
		{errors.New("write /pb/data.db-wal: no space left on device"), apierrors.StorageFull},
		{errors.New("attempt to write a readonly database (8)"), apierrors.StorageReadOnly},
		{router.NewBadRequestError("", errors.New("open x: read-only file system")), apierrors.StorageReadOnly},
		{errors.New("disk I/O error (522)"), apierrors.StorageIO},
	} {
		if got := apierrors.StorageFailure(tc.err); got != tc.want {
			t.Errorf("StorageFailure(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
