package learner

import (
	"fmt"
	"math"
	"time"
)

// Reasons are one line, addressed to the learner, and name the evidence:
// the goal or note behind the target and the record on the skill.

func (r *Recommender) meetingPhrase(title string) string {
	return fmt.Sprintf("Because your meeting “%s” is coming up", truncate(title, 60))
}

func (r *Recommender) reasonNew(i int32, k Kind, meeting string) string {
	s := r.lesMain[i]
	name := r.skillName(s)
	if s >= 0 && r.meeting[s] {
		return fmt.Sprintf("%s: a %d-minute lesson on %s.", r.meetingPhrase(meeting), r.lesMinutes[i], name)
	}
	if k == KindExploration {
		cat := "a new area"
		if s >= 0 && r.skillCat[s] >= 0 {
			cat = r.catNames[r.skillCat[s]]
		}
		if r.strong[0] < 0 {
			return fmt.Sprintf("Something to try: a first look at %s (%s), to find what you enjoy.", name, cat)
		}
		return fmt.Sprintf("Something outside your usual areas: a first look at %s (%s).", name, cat)
	}
	why := ""
	if s >= 0 && r.targetP[s] > 0 {
		why = r.targetPhrase(r.skillIDs[s], name)
	}
	ev := r.evidencePhrase(s, name)
	switch {
	case why != "" && ev != "":
		return why + " and " + ev + "."
	case why != "":
		return why + "."
	case ev != "":
		return fmt.Sprintf("A next step pitched at your level: %s.", ev)
	}
	return fmt.Sprintf("A next step in %s, pitched at your level.", name)
}

// targetPhrase says where the target comes from: "Because your goal is
// Team lead".
func (r *Recommender) targetPhrase(skill, name string) string {
	t, ok := r.cfg.Profile.Target(skill)
	if !ok || len(t.Sources) == 0 {
		return ""
	}
	src := t.Sources[0]
	switch src.Kind {
	case FromGoalRole:
		return fmt.Sprintf("Because your goal is %s", src.Name)
	case FromGoalSkill:
		return fmt.Sprintf("Because you set %s as a goal", name)
	case FromNotes:
		return fmt.Sprintf("Because your notes say “%s”", truncate(src.Quote, 60))
	case FromAI:
		return fmt.Sprintf("Because the AI reading of your profile points to %s", name)
	}
	return fmt.Sprintf("Because your role is %s", src.Name)
}

// evidence quotes the learner's recent record on the skill.
func (r *Recommender) evidencePhrase(s int32, name string) string {
	if s < 0 || r.cfg.Mastery == nil {
		return ""
	}
	e := sanitize(r.cfg.Mastery.Estimate(r.skillIDs[s]))
	switch {
	case e.RecentN == 0:
		return fmt.Sprintf("you haven't practised %s yet", name)
	case e.RecentRight < e.RecentN:
		return fmt.Sprintf("you missed %d of %d on %s", e.RecentN-e.RecentRight, e.RecentN, name)
	}
	return fmt.Sprintf("you got %d of %d on %s, so here is the next step", e.RecentRight, e.RecentN, name)
}

func (r *Recommender) reasonReview(i int32, rv float64, meeting string) string {
	s := r.lesMain[i]
	name := r.skillName(s)
	if s >= 0 && r.meeting[s] {
		return fmt.Sprintf("%s: a quick refresher on %s.", r.meetingPhrase(meeting), name)
	}
	if s >= 0 && r.cfg.Mastery != nil {
		if e := sanitize(r.cfg.Mastery.Estimate(r.skillIDs[s])); e.RecentRight < e.RecentN {
			return fmt.Sprintf("Time to refresh %s: you missed %d of %d on it and recall is down to about %d %%; practising now makes it stick.",
				name, e.RecentN-e.RecentRight, e.RecentN, int(math.Round(100*rv)))
		}
	}
	return fmt.Sprintf("Time to refresh %s: your recall is down to about %d %%, and practising now makes it stick.",
		name, int(math.Round(100*rv)))
}

func (r *Recommender) reasonRefresher(i int32, meeting string) string {
	s := r.lesMain[i]
	name := r.skillName(s)
	if s >= 0 && r.meeting[s] {
		return fmt.Sprintf("%s: a quick refresher on %s.", r.meetingPhrase(meeting), name)
	}
	return fmt.Sprintf("A refresher on %s: nothing new fits right now, and recalling it again makes it stick.", name)
}

func (r *Recommender) reasonAssigned(target, assigned int32, a Assignment, now time.Time) string {
	from := "Assigned to you"
	if a.From != "" {
		from = "Assigned by " + truncate(a.From, 40)
	}
	when := dueWords(a.Due, now)
	if target != assigned {
		return fmt.Sprintf("Needed first for “%s”, %s, %s.", truncate(r.les[assigned].Title, 60), lowerFirst(from), when)
	}
	return fmt.Sprintf("%s, %s: %s.", from, when, r.skillName(r.lesMain[target]))
}

func dueWords(due, now time.Time) string {
	d := due.Sub(now)
	switch {
	case d < 0:
		return "overdue since " + due.Format("Mon 2 Jan")
	case d < 24*time.Hour && due.YearDay() == now.In(due.Location()).YearDay():
		return "due today"
	}
	return "due " + due.Format("Mon 2 Jan")
}
