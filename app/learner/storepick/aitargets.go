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
	var at AITargets
	if ok, err := st.Setting(ctx, SettingAITargets, &at); err != nil || !ok || at.ProfileHash != ProfileHash(p) {
		return nil
	}
	return at.Targets
}
