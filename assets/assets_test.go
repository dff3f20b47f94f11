package assets

import (
	"io/fs"
	"strings"
	"testing"
)

func TestEmbeddedTaxonomy(t *testing.T) {
	tax, err := LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	if len(tax.Skills) < 60 {
		t.Errorf("taxonomy has %d skills, want at least 60", len(tax.Skills))
	}
	if len(tax.Roles) < 12 {
		t.Errorf("taxonomy has %d roles, want at least 12", len(tax.Roles))
	}
	perKind := map[Kind]int{}
	perCat := map[string]int{}
	for _, s := range tax.Skills {
		perKind[s.Kind]++
		perCat[s.Category]++
	}
	if perKind[Soft] == 0 || perKind[Hard] == 0 {
		t.Errorf("want both hard and soft skills, got %v", perKind)
	}
	for _, want := range []string{"data", "digital", "security", "communication", "leadership", "sales",
		"productivity", "critical-thinking", "creativity", "collaboration"} {
		if perCat[want] == 0 {
			t.Errorf("category %q has no skills", want)
		}
	}
	if s, ok := tax.Skill("delegation"); !ok || s.Kind != Soft || s.Category != "leadership" {
		t.Errorf("Skill(delegation) = %+v, %v", s, ok)
	}
	if _, ok := tax.Role("new-hire"); !ok {
		t.Error("role new-hire missing")
	}
}

func TestParseTaxonomyErrors(t *testing.T) {
	const cats = "categories:\n  - {id: data, name: Data}\n"
	tests := []struct {
		name, tax, roles, want string
	}{
		{"unknown field", cats + "skills:\n  - {id: sql, name: SQL, category: data, kind: hard, colour: red}\n", "roles: []\n", "colour"},
		{"unknown category", cats + "skills:\n  - {id: sql, name: SQL, category: nope, kind: hard}\n", "roles: []\n", `unknown category "nope"`},
		{"bad kind", cats + "skills:\n  - {id: sql, name: SQL, category: data, kind: medium}\n", "roles: []\n", "kind must be hard or soft"},
		{"duplicate skill", cats + "skills:\n  - {id: sql, name: SQL, category: data, kind: hard}\n  - {id: sql, name: S, category: data, kind: hard}\n", "roles: []\n", "listed twice"},
		{"bad id", cats + "skills:\n  - {id: Big SQL, name: SQL, category: data, kind: hard}\n", "roles: []\n", "bad id"},
		{"role unknown skill", cats + "skills:\n  - {id: sql, name: SQL, category: data, kind: hard}\n", "roles:\n  - {id: dev, name: Dev, skills: {rust: 3}}\n", `unknown skill "rust"`},
		{"role bad level", cats + "skills:\n  - {id: sql, name: SQL, category: data, kind: hard}\n", "roles:\n  - {id: dev, name: Dev, skills: {sql: 9}}\n", "level 9 is not 1-5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTaxonomy([]byte(tc.tax), []byte(tc.roles))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestStarterPackHasManifest(t *testing.T) {
	if _, err := fs.Stat(StarterPack(), "pack.yaml"); err != nil {
		t.Fatal(err)
	}
}
