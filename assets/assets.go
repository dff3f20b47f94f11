// Package assets holds what Tidbit ships inside its binaries: the skill
// taxonomy, the role profiles and the starter lesson library. It is the
// bottom floor of the house rules, so it imports nothing from the project;
// parsing a lesson pack is app/content's job, this package only hands out
// the files and the taxonomy types.
package assets

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"

	"go.yaml.in/yaml/v3"
)

//go:embed taxonomy.yaml roles.yaml
var taxonomyFiles embed.FS

//go:embed starter
var starterFiles embed.FS

// Kind says whether a skill is hard (a technique or tool) or soft (a way of
// working with people and problems). The recommender keeps a soft-skill floor
// with it.
type Kind string

const (
	Hard Kind = "hard"
	Soft Kind = "soft"
)

// Category groups skills for browsing and for the recommender's diversity
// measures.
type Category struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
}

// Skill is one node of the taxonomy. IDs are stable: stored progress refers
// to them.
type Skill struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name" json:"name"`
	Category string `yaml:"category" json:"category"`
	Kind     Kind   `yaml:"kind" json:"kind"`
}

// Role maps a job to the skills it needs and a target level from 1 to 5.
type Role struct {
	ID     string         `yaml:"id" json:"id"`
	Name   string         `yaml:"name" json:"name"`
	Skills map[string]int `yaml:"skills" json:"skills"`
}

// Taxonomy is the parsed, validated taxonomy plus role profiles.
type Taxonomy struct {
	Categories []Category
	Skills     []Skill
	Roles      []Role

	skillByID map[string]int
	catByID   map[string]int
	roleByID  map[string]int
}

// IDPattern is the shape of every stable id in Tidbit: skills, roles,
// categories, lessons and questions.
var IDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`)

// Skill returns the skill with the given id.
func (t *Taxonomy) Skill(id string) (Skill, bool) {
	i, ok := t.skillByID[id]
	if !ok {
		return Skill{}, false
	}
	return t.Skills[i], true
}

// Category returns the category with the given id.
func (t *Taxonomy) Category(id string) (Category, bool) {
	i, ok := t.catByID[id]
	if !ok {
		return Category{}, false
	}
	return t.Categories[i], true
}

// Role returns the role with the given id.
func (t *Taxonomy) Role(id string) (Role, bool) {
	i, ok := t.roleByID[id]
	if !ok {
		return Role{}, false
	}
	return t.Roles[i], true
}

// LoadTaxonomy parses and validates the embedded taxonomy and roles. It
// parses afresh on every call (a few hundred microseconds), so callers that
// need it often keep the result.
func LoadTaxonomy() (*Taxonomy, error) {
	tax, err := taxonomyFiles.ReadFile("taxonomy.yaml")
	if err != nil {
		return nil, err
	}
	roles, err := taxonomyFiles.ReadFile("roles.yaml")
	if err != nil {
		return nil, err
	}
	return ParseTaxonomy(tax, roles)
}

// ParseTaxonomy parses a taxonomy and a role file and checks that every id is
// well formed and unique and that every reference resolves.
func ParseTaxonomy(taxonomyYAML, rolesYAML []byte) (*Taxonomy, error) {
	var tf struct {
		Categories []Category `yaml:"categories"`
		Skills     []Skill    `yaml:"skills"`
	}
	if err := decodeStrict(taxonomyYAML, &tf); err != nil {
		return nil, fmt.Errorf("taxonomy.yaml: %w", err)
	}
	var rf struct {
		Roles []Role `yaml:"roles"`
	}
	if err := decodeStrict(rolesYAML, &rf); err != nil {
		return nil, fmt.Errorf("roles.yaml: %w", err)
	}
	t := &Taxonomy{
		Categories: tf.Categories, Skills: tf.Skills, Roles: rf.Roles,
		skillByID: map[string]int{}, catByID: map[string]int{}, roleByID: map[string]int{},
	}
	var errs []error
	for i, c := range t.Categories {
		if !IDPattern.MatchString(c.ID) {
			errs = append(errs, fmt.Errorf("taxonomy.yaml: category %q: bad id", c.ID))
		}
		if _, dup := t.catByID[c.ID]; dup {
			errs = append(errs, fmt.Errorf("taxonomy.yaml: category %q listed twice", c.ID))
		}
		t.catByID[c.ID] = i
	}
	for i, s := range t.Skills {
		if !IDPattern.MatchString(s.ID) {
			errs = append(errs, fmt.Errorf("taxonomy.yaml: skill %q: bad id", s.ID))
		}
		if _, dup := t.skillByID[s.ID]; dup {
			errs = append(errs, fmt.Errorf("taxonomy.yaml: skill %q listed twice", s.ID))
		}
		if _, ok := t.catByID[s.Category]; !ok {
			errs = append(errs, fmt.Errorf("taxonomy.yaml: skill %q: unknown category %q", s.ID, s.Category))
		}
		if s.Kind != Hard && s.Kind != Soft {
			errs = append(errs, fmt.Errorf("taxonomy.yaml: skill %q: kind must be hard or soft, not %q", s.ID, s.Kind))
		}
		if s.Name == "" {
			errs = append(errs, fmt.Errorf("taxonomy.yaml: skill %q: missing name", s.ID))
		}
		t.skillByID[s.ID] = i
	}
	for i, r := range t.Roles {
		if !IDPattern.MatchString(r.ID) {
			errs = append(errs, fmt.Errorf("roles.yaml: role %q: bad id", r.ID))
		}
		if _, dup := t.roleByID[r.ID]; dup {
			errs = append(errs, fmt.Errorf("roles.yaml: role %q listed twice", r.ID))
		}
		t.roleByID[r.ID] = i
		ids := make([]string, 0, len(r.Skills))
		for id := range r.Skills {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if _, ok := t.skillByID[id]; !ok {
				errs = append(errs, fmt.Errorf("roles.yaml: role %q: unknown skill %q", r.ID, id))
			}
			if lv := r.Skills[id]; lv < 1 || lv > 5 {
				errs = append(errs, fmt.Errorf("roles.yaml: role %q: skill %q: level %d is not 1-5", r.ID, id, lv))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// TaxonomyFiles are the embedded taxonomy.yaml and roles.yaml, for callers
// that hash them to notice a changed taxonomy.
func TaxonomyFiles() fs.FS { return taxonomyFiles }

// StarterPack is the embedded starter library, a lesson pack in the format
// app/content reads (pack.yaml plus one Markdown file a lesson).
func StarterPack() fs.FS {
	sub, err := fs.Sub(starterFiles, "starter")
	if err != nil {
		// fs.Sub fails only on an invalid path, and "starter" is a constant.
		panic(err)
	}
	return sub
}
