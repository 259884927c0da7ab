package backups

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/padron/padron/census"
	"github.com/padron/padron/schema"
)

// Errors Restore returns, for the command's exit code and message.
var (
	// ErrNotEmpty is a target directory that already holds something.
	ErrNotEmpty = errors.New("the target directory is not empty")
	// ErrUnsafeEntry is an archive entry that would land outside the
	// target (an absolute path, "..") or is not a plain file or directory.
	ErrUnsafeEntry = errors.New("unsafe entry in the backup")
	// ErrNoDatabase is an archive without data.db at its root.
	ErrNoDatabase = errors.New("the backup has no data.db")
)

// RestoreOptions say where and how a backup is restored.
type RestoreOptions struct {
	// Dir is the data directory to create (or fill, if empty).
	Dir string
	// Force restores into a directory that is not empty: its content is
	// moved aside to Dir+".before-restore-<time>", never deleted. Default
	// false: refuse (ErrNotEmpty).
	Force bool
	// Now dates the moved-aside directory. Default time.Now.
	Now func() time.Time
}

// Summary is what a restored data directory holds, read from its database
// after the files are in place.
type Summary struct {
	Dir   string `json:"dir"`
	Files int    `json:"files"`
	// MovedAside is where Force put the directory's previous content.
	MovedAside string `json:"moved_aside,omitempty"`
	Users      int    `json:"users"`
	// UsersWithoutCensus are users without their cedula_info: 0 in any
	// backup PocketBase made (both are created in one transaction).
	UsersWithoutCensus int            `json:"users_without_census"`
	Census             map[string]int `json:"census"`
	// InFlight are checks that were processing at backup time: the
	// server started on Dir queues them again at once (their lease's owner
	// is gone).
	InFlight int `json:"in_flight"`
	Attempts int `json:"attempts"`
}

// Restore extracts the PocketBase backup zip at src into opts.Dir with no
// server running: every entry is checked before anything is written (no
// absolute paths, no "..", only files and directories, data.db present),
// files land in a temporary directory beside Dir and are renamed into place
// only when all are written, and the database is checked and summarised.
func Restore(src string, opts RestoreOptions) (Summary, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	sum := Summary{Dir: opts.Dir}
	zr, err := zip.OpenReader(src)
	if err != nil {
		return sum, fmt.Errorf("opening the backup %s: %w", src, err)
	}
	defer zr.Close()
	if err := checkEntries(zr.File); err != nil {
		return sum, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return sum, err
	}
	sum.Dir = dir
	empty, err := isEmptyDir(dir)
	if err != nil {
		return sum, err
	}
	if !empty && !opts.Force {
		return sum, fmt.Errorf("%s: %w (restore into a new directory, or give --force to move its content aside)", dir, ErrNotEmpty)
	}
	// An existing empty directory (a volume's mount point, which cannot be
	// renamed) is filled in place through a temporary directory inside it;
	// otherwise the files are written beside it and renamed into place.
	_, statErr := os.Stat(dir)
	inPlace := empty && statErr == nil
	parent := filepath.Dir(dir)
	if inPlace {
		parent = dir
	}
	if err := os.MkdirAll(parent, 0o750); err != nil {
		return sum, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restoring-")
	if err != nil {
		return sum, fmt.Errorf("creating a directory for the restore in %s: %w", parent, err)
	}
	defer os.RemoveAll(tmp) // gone after the renames; left only on failure
	for _, f := range zr.File {
		if err := extract(f, tmp); err != nil {
			return sum, fmt.Errorf("extracting %s: %w", f.Name, err)
		}
		if !f.FileInfo().IsDir() {
			sum.Files++
		}
	}
	switch {
	case inPlace:
		entries, err := os.ReadDir(tmp)
		if err != nil {
			return sum, err
		}
		for _, e := range entries {
			if err := os.Rename(filepath.Join(tmp, e.Name()), filepath.Join(dir, e.Name())); err != nil {
				return sum, fmt.Errorf("moving the restored files into %s: %w", dir, err)
			}
		}
	case !empty:
		sum.MovedAside = dir + ".before-restore-" + opts.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(dir, sum.MovedAside); err != nil {
			return sum, fmt.Errorf("moving %s aside: %w", dir, err)
		}
		fallthrough
	default:
		if err := os.Rename(tmp, dir); err != nil {
			return sum, fmt.Errorf("moving the restored files into %s: %w", dir, err)
		}
		if err := os.Chmod(dir, 0o750); err != nil {
			return sum, err
		}
	}
	return sum, summarise(dir, &sum)
}

// checkEntries refuses an archive that could write outside its target or
// holds anything but files and directories, before anything is written.
func checkEntries(files []*zip.File) error {
	hasDB := false
	for _, f := range files {
		name := f.Name
		clean := path.Clean(name)
		switch {
		case name == "" || strings.Contains(name, `\`) || path.IsAbs(name) || filepath.IsAbs(name) ||
			clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(name, "\x00"):
			return fmt.Errorf("%w: %q leaves the data directory", ErrUnsafeEntry, name)
		case !f.Mode().IsDir() && !f.Mode().IsRegular():
			return fmt.Errorf("%w: %q is not a file or a directory (%v)", ErrUnsafeEntry, name, f.Mode().Type())
		}
		if clean == "data.db" && f.Mode().IsRegular() {
			hasDB = true
		}
	}
	if !hasDB {
		return ErrNoDatabase
	}
	return nil
}

// extract writes one checked entry under root, owner-only for files (the
// database holds cédulas, phones and password hashes).
func extract(f *zip.File, root string) error {
	target := filepath.Join(root, filepath.FromSlash(path.Clean(f.Name)))
	if f.Mode().IsDir() {
		return os.MkdirAll(target, 0o755)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	r, err := f.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	if err := w.Sync(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// isEmptyDir is true for a missing directory or one with no entries.
func isEmptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("reading %s: %w", dir, err)
	}
	return len(entries) == 0, nil
}

// summarise checks the restored database's integrity and counts what it
// holds.
func summarise(dir string, sum *Summary) error {
	db, err := core.DefaultDBConnect(filepath.Join(dir, "data.db"))
	if err != nil {
		return fmt.Errorf("opening the restored database: %w", err)
	}
	defer db.Close()
	var check string
	if err := db.NewQuery("PRAGMA quick_check").Row(&check); err != nil {
		return fmt.Errorf("checking the restored database: %w", err)
	}
	if check != "ok" {
		return fmt.Errorf("the restored database is damaged: %s", check)
	}
	count := func(table string, where dbx.Expression) (int, error) {
		var n int
		q := db.Select("count(*)").From(table)
		if where != nil {
			q = q.Where(where)
		}
		err := q.Row(&n)
		if err != nil {
			return 0, fmt.Errorf("counting %s: %w", table, err)
		}
		return n, nil
	}
	if sum.Users, err = count(schema.UsersCollection, nil); err != nil {
		return err
	}
	if sum.Attempts, err = count(schema.AttemptsCollection, nil); err != nil {
		return err
	}
	if sum.UsersWithoutCensus, err = count(schema.UsersCollection, dbx.NewExp(
		"id NOT IN (SELECT user FROM "+schema.CedulaInfoCollection+")")); err != nil {
		return err
	}
	var rows []struct {
		Status string `db:"status"`
		N      int    `db:"n"`
	}
	if err := db.Select("status", "count(*) AS n").From(schema.CedulaInfoCollection).GroupBy("status").All(&rows); err != nil {
		return fmt.Errorf("counting census checks: %w", err)
	}
	sum.Census = map[string]int{}
	for _, r := range rows {
		sum.Census[r.Status] = r.N
	}
	sum.InFlight = sum.Census[census.StatusProcessing]
	return nil
}
