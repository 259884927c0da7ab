package backups_test

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/padron/padron/apptest"
	"github.com/padron/padron/backups"
	"github.com/padron/padron/census"
)

// realBackup makes a backup of a seeded app with PocketBase's own
// CreateBackup, with one check left processing as a crash would leave it,
// and returns the zip's path.
func realBackup(t *testing.T) string {
	t.Helper()
	app := apptest.NewBareApp(t)
	defer app.Cleanup()
	c := apptest.Seeded(t)
	info, err := app.FindFirstRecordByData("cedula_info", "user", c.MemberA.ID)
	if err != nil {
		t.Fatal(err)
	}
	info.Set("status", census.StatusProcessing)
	info.Set("lease_owner", "dead-process")
	info.Set("lease_until", time.Now().Add(time.Hour).UTC())
	if err := app.Save(info); err != nil {
		t.Fatal(err)
	}
	if err := app.CreateBackup(context.Background(), "test.zip"); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "test.zip")
	if err := os.Rename(filepath.Join(app.DataDir(), core.LocalBackupsDirName, "test.zip"), src); err != nil {
		t.Fatal(err)
	}
	return src
}

// TestRestoreRealBackup restores a backup PocketBase made into a new
// directory, and a server's app opened on it has everyone and the check
// that was in flight.
func TestRestoreRealBackup(t *testing.T) {
	t.Parallel()
	src := realBackup(t)
	dir := filepath.Join(t.TempDir(), "nested", "pb_data")
	sum, err := backups.Restore(src, backups.RestoreOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Users != 5 || sum.UsersWithoutCensus != 0 || sum.InFlight != 1 || sum.Census[census.StatusProcessing] != 1 || sum.Files < 2 {
		t.Errorf("summary %+v: want 5 users each with cedula_info and 1 check in flight", sum)
	}
	if fi, err := os.Stat(filepath.Join(dir, "data.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("restored data.db: %v, mode %v; want owner-only", err, fi.Mode())
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".pb_data.restoring-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary directories left: %v", leftovers)
	}
	app, err := tests.NewTestApp(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	n, err := app.CountRecords("users")
	if err != nil || n != 5 {
		t.Errorf("the restored app counts %d users (%v), want 5", n, err)
	}
}

// TestRestoreRefusesANonEmptyTarget checks nothing is overwritten without
// --force, and --force moves the old content aside instead of deleting it.
func TestRestoreRefusesANonEmptyTarget(t *testing.T) {
	t.Parallel()
	src := realBackup(t)
	dir := filepath.Join(t.TempDir(), "pb_data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.db"), []byte("the live database"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := backups.Restore(src, backups.RestoreOptions{Dir: dir}); !errors.Is(err, backups.ErrNotEmpty) {
		t.Fatalf("restore into a non-empty dir: %v, want ErrNotEmpty", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "data.db")); string(b) != "the live database" {
		t.Fatal("the refused restore changed the target")
	}
	now := time.Date(2026, 5, 24, 7, 0, 0, 0, time.UTC)
	sum, err := backups.Restore(src, backups.RestoreOptions{Dir: dir, Force: true, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if want := dir + ".before-restore-20260524T070000Z"; sum.MovedAside != want {
		t.Errorf("moved aside to %q, want %q", sum.MovedAside, want)
	}
	if b, _ := os.ReadFile(filepath.Join(sum.MovedAside, "data.db")); string(b) != "the live database" {
		t.Error("--force lost the previous content")
	}
	if sum.Users != 5 {
		t.Errorf("after --force: %d users, want 5", sum.Users)
	}
	// An empty directory (a fresh volume's mount point) is fine.
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.Mkdir(empty, 0o700); err != nil {
		t.Fatal(err)
	}
	if sum, err := backups.Restore(src, backups.RestoreOptions{Dir: empty}); err != nil || sum.Users != 5 {
		t.Errorf("restore into an empty dir: %+v, %v", sum, err)
	}
	if entries, _ := os.ReadDir(empty); len(entries) == 0 || strings.HasPrefix(entries[0].Name(), ".") {
		t.Errorf("the empty dir holds %v after the restore, want the data files and no temporary directory", entries)
	}
}

// TestRestoreRefusesUnsafeArchives checks archives that would write outside
// the target, hold links or lack the database are refused before anything
// is written.
func TestRestoreRefusesUnsafeArchives(t *testing.T) {
	t.Parallel()
	type entry struct {
		name string
		mode os.FileMode
	}
	cases := []struct {
		name    string
		entries []entry
		want    error
	}{
		{"parent", []entry{{"data.db", 0o644}, {"../evil", 0o644}}, backups.ErrUnsafeEntry},
		{"nested parent", []entry{{"data.db", 0o644}, {"storage/../../evil", 0o644}}, backups.ErrUnsafeEntry},
		{"absolute", []entry{{"data.db", 0o644}, {"/tmp/evil", 0o644}}, backups.ErrUnsafeEntry},
		{"backslash", []entry{{"data.db", 0o644}, {`..\evil`, 0o644}}, backups.ErrUnsafeEntry},
		{"symlink", []entry{{"data.db", 0o644}, {"storage/link", os.ModeSymlink | 0o777}}, backups.ErrUnsafeEntry},
		{"no database", []entry{{"auxiliary.db", 0o644}}, backups.ErrNoDatabase},
		{"database as dir", []entry{{"data.db/", os.ModeDir | 0o755}}, backups.ErrNoDatabase},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tmp := t.TempDir()
			src := filepath.Join(tmp, "evil.zip")
			f, err := os.Create(src)
			if err != nil {
				t.Fatal(err)
			}
			zw := zip.NewWriter(f)
			for _, e := range tc.entries {
				h := &zip.FileHeader{Name: e.name, Method: zip.Store}
				h.SetMode(e.mode)
				w, err := zw.CreateHeader(h)
				if err != nil {
					t.Fatal(err)
				}
				if e.mode&os.ModeDir == 0 {
					_, _ = w.Write([]byte("x"))
				}
			}
			if err := zw.Close(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			dir := filepath.Join(tmp, "sub", "pb_data")
			if _, err := backups.Restore(src, backups.RestoreOptions{Dir: dir}); !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			var written []string
			_ = filepath.WalkDir(tmp, func(p string, d os.DirEntry, err error) error {
				if err == nil && p != tmp && p != src {
					written = append(written, p)
				}
				return nil
			})
			if len(written) != 0 {
				t.Errorf("a refused archive wrote %v", written)
			}
		})
	}
}
