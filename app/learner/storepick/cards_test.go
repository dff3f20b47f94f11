package storepick

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tidbit-learn/tidbit/app/core/coretest"
	"github.com/tidbit-learn/tidbit/app/learner/fsrs"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/lessonflow/terminal"
	"github.com/tidbit-learn/tidbit/app/store"
)

func TestCardsRoundTrip(t *testing.T) {
	c, err := NewCards()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	first, err := c.Next(store.SRSCard{QuestionID: "l/q"}, false, true, at)
	if err != nil {
		t.Fatal(err)
	}
	// A first right answer with default FSRS-6 weights: stability w2 = 2.3065
	// days, in review (no learning steps), due in 2 days.
	if first.State != "review" || first.Reps != 1 || first.QuestionID != "l/q" || !first.LastReview.Equal(at) ||
		first.Stability < 2.30 || first.Stability > 2.31 || first.Due.Sub(at) != 48*time.Hour {
		t.Fatalf("first card: %+v", first)
	}
	if back := fromFSRS("l/q", toFSRS(first)); back != first {
		t.Fatalf("conversion lost data:\n%+v\n%+v", first, back)
	}
	lapse, err := c.Next(first, true, false, at.Add(72*time.Hour))
	if err != nil || lapse.Lapses != 1 || lapse.Stability >= first.Stability {
		t.Fatalf("a wrong answer must lapse the card: %+v %v", lapse, err)
	}
	if _, err := c.Next(store.SRSCard{State: "review", Stability: -1}, true, true, at); err == nil {
		t.Fatal("an impossible card must be refused, not scheduled")
	}
}

// TestLearnThenReview: `tidbit learn` as wired in the CLI stores a card for
// every answered question; days later the picker offers a review, and the
// session asks only the due questions, without the lesson text, for the
// learner to grade.
func TestLearnThenReview(t *testing.T) {
	a := coretest.Open(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	cards, err := NewCards()
	if err != nil {
		t.Fatal(err)
	}
	session := func(in string) (terminal.Result, string) {
		t.Helper()
		var out bytes.Buffer
		flow := &lessonflow.Flow{Store: a.Store, Taxonomy: a.Taxonomy, Picker: Picker{Store: a.Store, Taxonomy: a.Taxonomy, Now: clock},
			Cards: cards, Now: clock, Source: "test", FullQuiz: true}
		s := &terminal.Session{Flow: flow, In: strings.NewReader(in), Out: &out}
		res, err := s.Run(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		return res, out.String()
	}
	first, _ := session("\n" + strings.Repeat("1\n", 6) + "\n")
	l, _ := a.Store.Lesson(ctx, first.LessonID)
	answers, _ := a.Store.AnswersOf(ctx, first.AttemptID)
	for _, an := range answers {
		c, ok, err := a.Store.SRSCard(ctx, an.QuestionID)
		if err != nil || !ok || c.Reps != 1 || !c.Due.After(now) {
			t.Fatalf("card of %s after the first answer: %+v %v %v", an.QuestionID, c, ok, err)
		}
		if an.Correct != (c.Lapses == 0 && c.Stability > 2) {
			t.Errorf("card of %s does not reflect the answer (correct=%v): %+v", an.QuestionID, an.Correct, c)
		}
	}
	// Ten days later: something is due. Keep learning until the picker
	// offers the first lesson as a review (other new lessons may come
	// first, but reviews get every other sitting).
	now = now.Add(10 * 24 * time.Hour)
	for i := 0; i < 6; i++ {
		pk, err := (Picker{Store: a.Store, Taxonomy: a.Taxonomy, Now: clock}).Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if pk.Review {
			// Self-graded: Enter shows each answer, 3 grades it Good.
			res, out := session(strings.Repeat("\n3\n", len(l.Questions)))
			if strings.Contains(out, "Press Enter for the quiz") || strings.Contains(out, l.Body[:40]) {
				t.Errorf("a review showed the whole lesson again:\n%s", out)
			}
			if !strings.Contains(out, "Review: ") {
				t.Errorf("no review header:\n%s", out)
			}
			if res.Answered == 0 || res.Answered > len(l.Questions) || res.Outcome != lessonflow.Completed {
				t.Fatalf("a review asked nothing:\n%s", out)
			}
			graded, _ := a.Store.AnswersOf(ctx, res.AttemptID)
			for _, an := range graded {
				if an.Rating != 3 || !an.Correct {
					t.Errorf("review answer %+v, want a Good grade", an)
				}
			}
			b, _ := a.Store.Export(ctx)
			kinds := map[string]int{}
			for _, at := range b.Tables["attempts"] {
				kinds[fmt.Sprint(at["kind"])]++
			}
			if kinds["review"] != 1 {
				t.Errorf("attempt kinds %v", kinds)
			}
			return
		}
		session("\n" + strings.Repeat("1\n", 6) + "\n")
		now = now.Add(time.Hour)
	}
	t.Fatal("no review offered in six sittings ten days after a lesson")
}

// TestCardsGrade: an explicit rating gives exactly the card fsrs gives for
// it, on a new card and on a stored one; ratings outside 1-4 are refused.
func TestCardsGrade(t *testing.T) {
	c, err := NewCards()
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	stored, err := c.Next(store.SRSCard{QuestionID: "l/q"}, false, true, at)
	if err != nil {
		t.Fatal(err)
	}
	later := at.Add(3 * 24 * time.Hour)
	cases := []struct {
		name   string
		prev   store.SRSCard
		known  bool
		rating int
		at     time.Time
	}{
		{"new again", store.SRSCard{QuestionID: "l/q"}, false, 1, at},
		{"new hard", store.SRSCard{QuestionID: "l/q"}, false, 2, at},
		{"new good", store.SRSCard{QuestionID: "l/q"}, false, 3, at},
		{"new easy", store.SRSCard{QuestionID: "l/q"}, false, 4, at},
		{"review again", stored, true, 1, later},
		{"review hard", stored, true, 2, later},
		{"review good", stored, true, 3, later},
		{"review easy", stored, true, 4, later},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.Grade(tc.prev, tc.known, tc.rating, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			from := fsrs.NewCard(tc.at)
			if tc.known {
				from = toFSRS(tc.prev)
			}
			want, _, err := c.Scheduler.Next(from, tc.at, fsrs.Rating(tc.rating))
			if err != nil {
				t.Fatal(err)
			}
			if w := fromFSRS("l/q", want); got != w {
				t.Fatalf("Grade(%d):\n got %+v\nwant %+v", tc.rating, got, w)
			}
			if !got.Due.After(tc.at) || !got.LastReview.Equal(tc.at) {
				t.Fatalf("not scheduled ahead: %+v", got)
			}
		})
	}
	// The four ratings order the intervals: Again soonest, Easy latest.
	var prevDue time.Time
	for r := 1; r <= 4; r++ {
		got, err := c.Grade(stored, true, r, later)
		if err != nil {
			t.Fatal(err)
		}
		if r > 1 && !got.Due.After(prevDue) {
			t.Errorf("rating %d due %v, not after rating %d's %v", r, got.Due, r-1, prevDue)
		}
		prevDue = got.Due
	}
	for _, bad := range []int{0, 5, -1} {
		if _, err := c.Grade(stored, true, bad, later); err == nil || !strings.Contains(err.Error(), "not 1 (Again) to 4 (Easy)") {
			t.Errorf("rating %d: err %v", bad, err)
		}
	}
}

func TestRatingOf(t *testing.T) {
	cases := []struct {
		name    string
		correct bool
		rating  int
		want    fsrs.Rating
	}{
		{"quiz right", true, 0, fsrs.Good},
		{"quiz wrong", false, 0, fsrs.Again},
		{"graded hard", true, 2, fsrs.Hard},
		{"graded easy", true, 4, fsrs.Easy},
		{"graded again", false, 1, fsrs.Again},
		{"out of range falls back", true, 7, fsrs.Good},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ratingOf(tc.correct, tc.rating); got != tc.want {
				t.Fatalf("ratingOf(%v, %d) = %v, want %v", tc.correct, tc.rating, got, tc.want)
			}
		})
	}
}
