package storepick

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/tidbit-learn/tidbit/app/learner"
	"github.com/tidbit-learn/tidbit/app/store"
)

// SettingAITargets is the settings key of the local model's reading of
// the profile (written by app/personal while the learner is away).
const SettingAITargets = "learner.ai_targets"

// AITargets is the model's reading of one version of the profile: the
// skills it calls for, with target levels. The picker uses them as extra
// targets, beside the keyword matching, only while ProfileHash is the
// stored profile's.
type AITargets struct {
	ProfileHash string             `json:"profile_hash"`
	Model       string             `json:"model"`
	ModelDigest string             `json:"model_digest,omitempty"`
	Prompt      string             `json:"prompt_version,omitempty"`
	MappedAt    time.Time          `json:"mapped_at"`
	Targets     []learner.AITarget `json:"targets"` // empty: the model found none (or the profile is empty)
}

// ProfileHash identifies the free text a model reads of a profile: role,
// goals and notes. A new hash means the profile needs a new reading.
func ProfileHash(p store.Profile) string {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s\x00", len(p.Role), p.Role)
	for _, g := range p.Goals {
		fmt.Fprintf(h, "%d:%s\x00", len(g), g)
	}
	fmt.Fprintf(h, "\x01%d:%s", len(p.Notes), p.Notes)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// LoadAITargets returns the model's targets for profile p, or none when
// there is no reading or it is of another version of the profile. A
// stored value this build cannot read counts as none: AI hints must never
// block a pick.
func LoadAITargets(ctx context.Context, st *store.Store, p store.Profile) []learner.AITarget {
	at, _ := LoadAIReading(ctx, st, p)
	return at.Targets
}

// LoadAIReading is the whole stored reading of profile p (model, time,
// targets); ok is false when there is none for this version of p.
func LoadAIReading(ctx context.Context, st *store.Store, p store.Profile) (at AITargets, ok bool) {
	if found, err := st.Setting(ctx, SettingAITargets, &at); err != nil || !found || at.ProfileHash != ProfileHash(p) {
		return AITargets{}, false
	}
	return at, true
}

// ProfileInput is what the learner model reads of the stored profile p:
// role, seniority, goals, notes, minutes, self-ratings and the local
// model's targets for this version of the profile. Picks, `tidbit
// profile`, the Progress window and the personalisation worker all read
// the profile through it, so they agree on the targets.
func ProfileInput(ctx context.Context, st *store.Store, p store.Profile) learner.ProfileInput {
	in := learner.ProfileInput{Role: p.Role, Seniority: p.Seniority, Goals: p.Goals, Notes: p.Notes,
		MinutesPerWeek: float64(p.MinutesPerWeek), SelfRatings: map[string]float64{}, AITargets: LoadAITargets(ctx, st, p)}
	for k, v := range p.SelfRatings {
		in.SelfRatings[k] = float64(v)
	}
	return in
}
