// Package content reads lesson packs: a folder, or a .zip of one, holding an
// optional pack.yaml and one Markdown file a lesson with YAML front matter.
// It validates a whole pack before anything is written, and reports every
// problem with its file and line, so that one bad file means nothing is
// imported and the author can fix everything in one pass. The format is
// documented in the README ("Writing lesson packs").
//
// The front matter is walked as a yaml.Node tree rather than decoded into
// structs: that keeps the line of every value for error messages and lets
// unknown keys (usually typos) be reported where they are.
package content

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/assets"
)

// Limits bound what a pack may hold. Checked before reading where the size
// is known up front (file sizes, zip headers) and again while reading (a zip
// header can lie).
type Limits struct {
	FileBytes  int64 // one lesson file or pack.yaml
	TotalBytes int64 // the whole pack, uncompressed
	Files      int   // entries in the pack
	ZipBytes   int64 // the .zip file itself
}

// DefaultLimits fit thousands of lessons while refusing anything absurd.
var DefaultLimits = Limits{FileBytes: 256 << 10, TotalBytes: 64 << 20, Files: 4096, ZipBytes: 64 << 20}

// Problem is one thing wrong with a pack.
type Problem struct {
	File string
	Line int // 0: the file as a whole
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Error lists every problem found in a pack. Nothing was imported.
type Error struct {
	Source   string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d problem(s), nothing was imported:", e.Source, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Pack is a parsed, self-consistent pack, ready for Import.
type Pack struct {
	Meta    store.Pack
	Lessons []store.Lesson

	lines map[string]lessonLines
}

type file struct {
	name string
	data []byte
}

// ReadPath reads a pack from a folder or a .zip file.
func ReadPath(p string, lim Limits) (*Pack, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("reading pack %s: %w", p, err)
	}
	var files []file
	if fi.IsDir() {
		files, err = readDir(p, lim)
	} else if strings.EqualFold(filepath.Ext(p), ".zip") {
		files, err = readZip(p, fi.Size(), lim)
	} else {
		return nil, fmt.Errorf("%s: a pack is a folder or a .zip file", p)
	}
	if err != nil {
		return nil, err
	}
	return parse(p, defaultPackID(p), files)
}

// ReadFS reads a pack from a file system (the embedded starter library).
func ReadFS(fsys fs.FS, source string, lim Limits) (*Pack, error) {
	var files []file
	var total int64
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !interesting(name) {
			return nil
		}
		if len(files) >= lim.Files {
			return fmt.Errorf("%s: more than %d files", source, lim.Files)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		if int64(len(b)) > lim.FileBytes {
			return fmt.Errorf("%s: %s is %d bytes, the limit is %d", source, name, len(b), lim.FileBytes)
		}
		total += int64(len(b))
		files = append(files, file{name, b})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if total > lim.TotalBytes {
		return nil, fmt.Errorf("%s: %d bytes in all, the limit is %d", source, total, lim.TotalBytes)
	}
	return parse(source, defaultPackID(source), files)
}

func interesting(name string) bool {
	base := path.Base(name)
	if strings.HasPrefix(base, ".") {
		return false // .git, editor swap files, macOS ._ files
	}
	return strings.EqualFold(path.Ext(name), ".md") || base == "pack.yaml"
}

func readDir(root string, lim Limits) ([]file, error) {
	var files []file
	var total int64
	count := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		count++
		if count > lim.Files {
			return fmt.Errorf("%s: more than %d files; a pack this big is probably the wrong folder", root, lim.Files)
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if !interesting(rel) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		// Checked before reading: a 2 GB file is refused without reading it.
		if fi.Size() > lim.FileBytes {
			return fmt.Errorf("%s: %s is %d bytes, the limit for one lesson file is %d", root, rel, fi.Size(), lim.FileBytes)
		}
		total += fi.Size()
		if total > lim.TotalBytes {
			return fmt.Errorf("%s: more than %d bytes in all", root, lim.TotalBytes)
		}
		b, err := readLimited(p, lim.FileBytes)
		if err != nil {
			return fmt.Errorf("%s: %w", rel, err)
		}
		files = append(files, file{rel, b})
		return nil
	})
	return files, err
}

func readLimited(p string, max int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return b, nil
}

// safeZipName refuses names that could escape a folder if extracted
// ("zip slip"). Tidbit never extracts to disk, but such a zip is hostile or
// broken either way, so it is refused whole.
func safeZipName(name string) error {
	switch {
	case name == "":
		return errors.New("an entry has an empty name")
	case strings.Contains(name, `\`):
		return fmt.Errorf("entry %q uses backslashes", name)
	case strings.HasPrefix(name, "/") || filepath.IsAbs(name) || (len(name) > 1 && name[1] == ':'):
		return fmt.Errorf("entry %q is an absolute path", name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return fmt.Errorf("entry %q points outside the pack (..)", name)
		}
	}
	return nil
}

func readZip(p string, size int64, lim Limits) ([]file, error) {
	if size > lim.ZipBytes {
		return nil, fmt.Errorf("%s: the zip is %d bytes, the limit is %d", p, size, lim.ZipBytes)
	}
	zr, err := zip.OpenReader(p)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("%s: not a readable zip: %w", p, err)
	}
	if zr == nil {
		return nil, fmt.Errorf("%s: not a readable zip: %w", p, err)
	}
	defer zr.Close()
	if len(zr.File) > lim.Files {
		return nil, fmt.Errorf("%s: %d entries, the limit is %d", p, len(zr.File), lim.Files)
	}
	for _, f := range zr.File {
		if err := safeZipName(f.Name); err != nil {
			return nil, fmt.Errorf("%s: %w; nothing was imported", p, err)
		}
	}
	var files []file
	var total int64
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !interesting(f.Name) {
			continue
		}
		if f.UncompressedSize64 > uint64(lim.FileBytes) {
			return nil, fmt.Errorf("%s: %s is %d bytes, the limit for one lesson file is %d", p, f.Name, f.UncompressedSize64, lim.FileBytes)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p, f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, lim.FileBytes+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", p, f.Name, err)
		}
		if int64(len(b)) > lim.FileBytes {
			return nil, fmt.Errorf("%s: %s inflates past %d bytes", p, f.Name, lim.FileBytes)
		}
		total += int64(len(b))
		if total > lim.TotalBytes {
			return nil, fmt.Errorf("%s: more than %d bytes uncompressed", p, lim.TotalBytes)
		}
		files = append(files, file{f.Name, b})
	}
	return stripCommonFolder(files), nil
}

// stripCommonFolder handles the usual "zip of a folder" layout, where every
// entry sits under one top folder.
func stripCommonFolder(files []file) []file {
	if len(files) == 0 {
		return files
	}
	top, _, ok := strings.Cut(files[0].name, "/")
	if !ok {
		return files
	}
	for _, f := range files {
		if !strings.HasPrefix(f.name, top+"/") {
			return files
		}
	}
	out := make([]file, len(files))
	for i, f := range files {
		out[i] = file{strings.TrimPrefix(f.name, top+"/"), f.data}
	}
	return out
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

func defaultPackID(p string) string {
	base := strings.TrimSuffix(filepath.Base(p), filepath.Ext(p))
	id := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(base), "-"), "-")
	if len(id) < 2 {
		id = "pack-" + id
	}
	if len(id) > 64 {
		id = id[:64]
	}
	return id
}

// parse turns files into a pack, collecting every problem.
func parse(source, defaultID string, files []file) (*Pack, error) {
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	e := &Error{Source: source}
	pk := &Pack{Meta: store.Pack{ID: defaultID, Title: defaultID, Version: "0", Source: source}, lines: map[string]lessonLines{}}
	h := sha256.New()
	for _, f := range files {
		h.Write([]byte(f.name))
		h.Write([]byte{0})
		h.Write(f.data)
		h.Write([]byte{0})
		if f.name == "pack.yaml" {
			parseManifest(f, &pk.Meta, e)
		}
	}
	pk.Meta.ContentHash = hex.EncodeToString(h.Sum(nil))
	seen := map[string]string{}
	for _, f := range files {
		if f.name == "pack.yaml" {
			continue
		}
		l, ll, ok := parseLesson(f.name, f.data, e)
		if !ok {
			continue
		}
		if prev, dup := seen[l.ID]; dup {
			e.Problems = append(e.Problems, Problem{f.name, 2, fmt.Sprintf("duplicate lesson id %q (also in %s)", l.ID, prev)})
			continue
		}
		seen[l.ID] = f.name
		pk.lines[l.ID] = ll
		pk.Lessons = append(pk.Lessons, l)
	}
	if len(pk.Lessons) == 0 && len(e.Problems) == 0 {
		e.Problems = append(e.Problems, Problem{source, 0, "no lessons (.md files) found"})
	}
	if len(e.Problems) > 0 {
		return nil, e
	}
	return pk, nil
}

func parseManifest(f file, m *store.Pack, e *Error) {
	root, ok := parseYAML(f.name, f.data, 0, e)
	if !ok {
		return
	}
	r := Fields{File: f.name, Err: e}
	mp := r.Mapping(root, "pack.yaml", []string{"id", "title", "version", "author", "licence", "license", "description"})
	if mp == nil {
		return
	}
	if id, line, ok := r.Str(mp, "id", false); ok {
		if !assets.IDPattern.MatchString(id) {
			r.Add(line, fmt.Sprintf("pack id %q: use 2-64 lowercase letters, digits and '-'", id))
		} else {
			m.ID = id
		}
	}
	if v, _, ok := r.Str(mp, "title", false); ok {
		m.Title = v
	}
	if v, _, ok := r.Str(mp, "version", false); ok {
		m.Version = v
	}
	if v, _, ok := r.Str(mp, "author", false); ok {
		m.Author = v
	}
}

// parseYAML parses YAML that starts at line offset+1 of its file.
func parseYAML(name string, data []byte, offset int, e *Error) (*yaml.Node, bool) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		line, msg := YAMLErrorLine(err)
		if line > 0 {
			line += offset
		}
		e.Problems = append(e.Problems, Problem{name, line, msg})
		return nil, false
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		e.Problems = append(e.Problems, Problem{name, offset + 1, "empty YAML"})
		return nil, false
	}
	shift(&root, offset)
	return root.Content[0], true
}

var parserProblems = []string{
	"did not find expected key", "did not find expected '-' indicator", "did not find expected ',' or ']'",
	"did not find expected ',' or '}'", "did not find expected node content", "did not find expected <document start>",
	"found a tab character that violates indentation",
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// YAMLErrorLine splits a go.yaml.in/yaml/v3 error into the 1-based line it
// concerns (0 when it names none) and a message for a person. Other readers
// of YAML files (assignments) use it so every file reports lines alike.
func YAMLErrorLine(err error) (int, string) {
	m := yamlLineRe.FindStringSubmatch(err.Error())
	if m == nil {
		return 0, "YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")
	}
	n, _ := strconv.Atoi(m[1])
	// yaml.v3 numbers scanner errors from 1 but parser errors from 0 (it
	// reports the parser's 0-based mark without adding one); the parser's
	// messages are these.
	for _, p := range parserProblems {
		if strings.HasPrefix(m[2], p) {
			n++
			break
		}
	}
	return n, "YAML: " + m[2]
}

func shift(n *yaml.Node, offset int) {
	n.Line += offset
	for _, c := range n.Content {
		shift(c, offset)
	}
}

func contentHash(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// splitFrontMatter returns the front matter, the line it starts on (the
// line after the opening ---) and the body.
func splitFrontMatter(data []byte) (fm []byte, body string, err error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return nil, "", errors.New("must start with a '---' line opening the YAML front matter")
	}
	rest := text[4:]
	end := -1
	if strings.HasPrefix(rest, "---\n") || rest == "---" {
		end = 0
	} else if i := strings.Index(rest, "\n---\n"); i >= 0 {
		end = i + 1
	} else if strings.HasSuffix(rest, "\n---") {
		end = len(rest) - 3
	}
	if end < 0 {
		return nil, "", errors.New("the front matter has no closing '---' line")
	}
	fm = []byte(rest[:end])
	body = strings.TrimPrefix(rest[end:], "---")
	body = strings.TrimPrefix(body, "\n")
	return fm, strings.TrimSpace(body), nil
}
