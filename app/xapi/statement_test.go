package xapi

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/tidbit-learn/tidbit/app/store"
)

func TestDuration(t *testing.T) {
	cases := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"zero", 0, "PT0S"},
		{"negative", -time.Second, "PT0S"},
		{"sub-centisecond rounds to zero", 4 * time.Millisecond, "PT0S"},
		{"hundredths", 8250 * time.Millisecond, "PT8.25S"},
		{"tenths without trailing zero", 1500 * time.Millisecond, "PT1.5S"},
		{"rounding", 1999 * time.Millisecond, "PT2S"},
		{"minutes and seconds", 64*time.Second + 250*time.Millisecond, "PT1M4.25S"},
		{"whole minutes", 2 * time.Minute, "PT2M"},
		{"hours", time.Hour + 30*time.Second, "PT1H30S"},
		{"hours minutes", 25*time.Hour + 61*time.Minute, "PT26H1M"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Duration(tc.d); got != tc.want {
				t.Fatalf("Duration(%v) = %q, want %q", tc.d, got, tc.want)
			}
		})
	}
}

func TestStatementID(t *testing.T) {
	ada := Agent{Mbox: "mailto:ada@example.com"}
	bob := Agent{Account: &Account{HomePage: "https://lms.example.com", Name: "bob"}}
	id := StatementID(ada, "answered", "ans-1")
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 5 {
		t.Fatalf("StatementID = %q (%v), want a UUID v5", id, err)
	}
	cases := []struct {
		name string
		id   string
		same bool
	}{
		{"same inputs", StatementID(ada, "answered", "ans-1"), true},
		{"other record", StatementID(ada, "answered", "ans-2"), false},
		{"other kind", StatementID(ada, "completed", "ans-1"), false},
		{"other actor", StatementID(bob, "answered", "ans-1"), false},
		{"parts are not concatenated", StatementID(ada, "answeredans-1"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if (tc.id == id) != tc.same {
				t.Fatalf("StatementID = %s vs %s, want same=%v", tc.id, id, tc.same)
			}
		})
	}
}

// TestStatementsGolden pins the statements of a lesson attempt, a passed
// and a failed quiz, a review and a mastered skill.
func TestStatementsGolden(t *testing.T) {
	rec, err := NewRecorder(testConfig("https://lrs.example.com/data/xAPI"))
	if err != nil {
		t.Fatal(err)
	}
	l := testLesson()
	att := store.Attempt{ID: "0b7d7a52-7e0c-4d7e-9d4b-3f0f5a1b2c3d", LessonID: l.ID, Kind: "lesson", StartedAt: t0}
	ans := store.Answer{ID: "ans-1", AttemptID: att.ID, QuestionID: l.Questions[1].ID, Chosen: []int{0, 2}, Correct: true,
		AnsweredAt: t0.Add(20 * time.Second), Duration: 8250 * time.Millisecond}
	cases := []struct {
		name  string
		stmts []Statement
	}{
		{"experienced", []Statement{rec.StartedStatement(l, att)}},
		{"answered", []Statement{rec.AnsweredStatement(l, l.Questions[1], ans)}},
		{"review graded Hard by the learner", []Statement{rec.AnsweredStatement(l, l.Questions[0], store.Answer{ID: "ans-2", AttemptID: att.ID,
			QuestionID: l.Questions[0].ID, Chosen: []int{}, Correct: true, Rating: 2, AnsweredAt: t0.Add(30 * time.Second), Duration: 4 * time.Second})}},
		{"review graded Again", []Statement{rec.AnsweredStatement(l, l.Questions[0], store.Answer{ID: "ans-3", AttemptID: att.ID,
			QuestionID: l.Questions[0].ID, Chosen: []int{}, Correct: false, Rating: 1, AnsweredAt: t0.Add(40 * time.Second), Duration: 3 * time.Second})}},
		{"completed and passed", rec.FinishedStatements(l, att, store.AttemptResult{AttemptID: att.ID, FinishedAt: t0.Add(time.Minute),
			Outcome: "completed", Seconds: 64, Correct: 4, Answered: 5})},
		{"completed and failed", rec.FinishedStatements(l, att, store.AttemptResult{AttemptID: att.ID, FinishedAt: t0.Add(time.Minute),
			Outcome: "completed", Seconds: 64, Correct: 2, Answered: 3})},
		{"review: completed only", rec.FinishedStatements(l, store.Attempt{ID: att.ID, Kind: "review"}, store.AttemptResult{
			AttemptID: att.ID, FinishedAt: t0, Outcome: "completed", Seconds: 5, Correct: 1, Answered: 1})},
		{"abandoned: nothing", rec.FinishedStatements(l, att, store.AttemptResult{AttemptID: att.ID, Outcome: "abandoned", Answered: 1})},
		{"mastered", []Statement{rec.MasteredStatement("active-listening", "Active listening", 0.91234, "ans-1", t0)}},
	}
	var b strings.Builder
	for _, tc := range cases {
		fmt.Fprintf(&b, "== %s\n%s\n", tc.name, mustJSON(t, tc.stmts))
	}
	golden := filepath.Join("testdata", "statements.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if b.String() != string(want) {
		t.Fatalf("statements differ from %s (go test -update rewrites it):\n%s", golden, b.String())
	}
	// Pass and fail of one attempt share an id; completed has another.
	byName := map[string][]Statement{}
	for _, tc := range cases {
		byName[tc.name] = tc.stmts
	}
	pass := byName["completed and passed"]
	fail := byName["completed and failed"]
	if pass[1].ID != fail[1].ID || pass[0].ID == pass[1].ID || pass[1].Verb.ID != Passed.ID || fail[1].Verb.ID != Failed.ID {
		t.Fatalf("score statements: %s %s / %s %s", pass[1].ID, pass[1].Verb.ID, fail[1].ID, fail[1].Verb.ID)
	}
}

func TestPassThreshold(t *testing.T) {
	cases := []struct {
		name              string
		threshold         float64
		correct, answered int
		want              Verb
	}{
		{"4 of 5 at 80 %", 0, 4, 5, Passed},
		{"3 of 5 at 80 %", 0, 3, 5, Failed},
		{"exact 2 of 3 at 2/3", 2.0 / 3, 2, 3, Passed},
		{"all right", 1, 3, 3, Passed},
		{"one wrong at 100 %", 1, 2, 3, Failed},
		{"more right than answered is clamped", 0, 9, 3, Passed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig("https://lrs.example.com/")
			cfg.PassThreshold = tc.threshold
			rec, err := NewRecorder(cfg)
			if err != nil {
				t.Fatal(err)
			}
			sts := rec.FinishedStatements(testLesson(), store.Attempt{Kind: "lesson"}, store.AttemptResult{AttemptID: "a",
				Outcome: "completed", Correct: tc.correct, Answered: tc.answered})
			if len(sts) != 2 || sts[1].Verb.ID != tc.want.ID {
				t.Fatalf("statements %s, want the second to be %s", mustJSON(t, sts), tc.want.ID)
			}
			if s := *sts[1].Result.Score.Scaled; s < 0 || s > 1 {
				t.Fatalf("scaled score %v out of range", s)
			}
		})
	}
}

// TestNilRecorder: with no LRS configured nothing is built, and a progress
// write queues nothing.
func TestNilRecorder(t *testing.T) {
	st := openStore(t, func() time.Time { return t0 })
	rec, err := LoadRecorder(context.Background(), st)
	if err != nil || rec != nil {
		t.Fatalf("LoadRecorder without settings = %v, %v; want nil, nil", rec, err)
	}
	if ids := recordAttempt(t, st, rec, "att-1", t0, true); len(ids) != 0 {
		t.Fatalf("a nil recorder built statements %v", ids)
	}
	if p := pending(t, st); len(p) != 0 {
		t.Fatalf("outbox has %d items without an LRS", len(p))
	}
	if items := rec.Mastered("s", "S", 0.9, "", t0); items != nil {
		t.Fatalf("nil recorder Mastered = %v", items)
	}
	if err := rec.EnqueueMastered(context.Background(), st, "s", "S", 0.9, "", t0); err != nil {
		t.Fatal(err)
	}
}

// TestRecorderWithStore: the statements of an attempt land in the outbox
// with their progress; writing the attempt again adds nothing.
func TestRecorderWithStore(t *testing.T) {
	st := openStore(t, func() time.Time { return t0 })
	ctx := context.Background()
	if err := Save(ctx, st, testConfig("https://lrs.example.com/xapi/")); err != nil {
		t.Fatal(err)
	}
	rec, err := LoadRecorder(ctx, st)
	if err != nil || rec == nil {
		t.Fatalf("LoadRecorder = %v, %v", rec, err)
	}
	attempt := uuid.NewString()
	ids := recordAttempt(t, st, rec, attempt, t0, true)
	if len(ids) != 5 {
		t.Fatalf("an attempt with 2 answers gave %d statements, want 5 (experienced, 2 answered, completed, passed)", len(ids))
	}
	again := recordAttempt(t, st, rec, attempt, t0, true)
	if strings.Join(again, ",") != strings.Join(ids, ",") {
		t.Fatalf("statement ids changed on a rewrite: %v vs %v", again, ids)
	}
	got := pending(t, st)
	if len(got) != 5 {
		t.Fatalf("outbox has %d items, want 5", len(got))
	}
	for _, it := range got {
		var s Statement
		if err := json.Unmarshal([]byte(it.Payload), &s); err != nil || s.ID != it.ID || it.Kind != OutboxKind {
			t.Fatalf("outbox item %s: %v, payload %s", it.ID, err, it.Payload)
		}
		if s.Context == nil || s.Context.Registration != attempt || s.Context.Platform != "Tidbit" {
			t.Fatalf("statement %s has context %+v", s.ID, s.Context)
		}
	}
	if err := rec.EnqueueMastered(ctx, st, "active-listening", "Active listening", 0.93, "", t0); err != nil {
		t.Fatal(err)
	}
	if err := rec.EnqueueMastered(ctx, st, "active-listening", "Active listening", 0.95, "", t0); err != nil {
		t.Fatal(err)
	}
	if n := len(pending(t, st)); n != 6 {
		t.Fatalf("after mastered twice the outbox has %d items, want 6", n)
	}
}

func TestConfig(t *testing.T) {
	cases := []struct {
		name    string
		mod     func(*Config)
		wantErr string
	}{
		{"https", func(c *Config) {}, ""},
		{"loopback http", func(c *Config) { c.Endpoint = "http://127.0.0.1:8080/xAPI/" }, ""},
		{"loopback v6", func(c *Config) { c.Endpoint = "http://[::1]:8080/xAPI" }, ""},
		{"localhost", func(c *Config) { c.Endpoint = "http://localhost/xAPI" }, ""},
		{"account identity", func(c *Config) { c.ActorMbox, c.AccountHomePage, c.AccountName = "", "https://lms.example.com", "ada" }, ""},
		{"remote http", func(c *Config) { c.Endpoint = "http://lrs.example.com/xAPI/" }, "refusing plain http to lrs.example.com"},
		{"private address http", func(c *Config) { c.Endpoint = "http://192.168.1.5/xAPI/" }, "refusing plain http"},
		{"credentials in URL", func(c *Config) { c.Endpoint = "https://u:p@lrs.example.com/" }, "contains credentials"},
		{"other scheme", func(c *Config) { c.Endpoint = "ftp://lrs.example.com/" }, "must use https"},
		{"no host", func(c *Config) { c.Endpoint = "https:///xAPI" }, "has no host"},
		{"query", func(c *Config) { c.Endpoint = "https://lrs.example.com/?x=1" }, "query"},
		{"empty endpoint", func(c *Config) { c.Endpoint = "" }, "endpoint is empty"},
		{"no password", func(c *Config) { c.Password = "" }, "username and password are required"},
		{"no identity", func(c *Config) { c.ActorMbox = "" }, "needs an identity"},
		{"bad mbox", func(c *Config) { c.ActorMbox = "ada at example" }, "not an e-mail address"},
		{"account without name", func(c *Config) { c.ActorMbox, c.AccountHomePage = "", "https://lms.example.com" }, "account_name"},
		{"relative iri base", func(c *Config) { c.IRIBase = "tidbit/" }, "iri_base"},
		{"threshold above 1", func(c *Config) { c.PassThreshold = 80 }, "pass_threshold"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := testConfig("https://lrs.example.com/data/xAPI")
			tc.mod(&c)
			err := c.Validate()
			if tc.wantErr == "" && err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), c.Password) && c.Password != "" {
				t.Fatalf("the error shows the password: %v", err)
			}
		})
	}
}

// TestConfigStored: Load reports no configuration, a valid one with
// defaults, and a stored bad one (an http endpoint edited in by hand) as an
// error; Disable turns it off again.
func TestConfigStored(t *testing.T) {
	st := openStore(t, nil)
	ctx := context.Background()
	if _, ok, err := Load(ctx, st); ok || err != nil {
		t.Fatalf("Load without settings = %v, %v", ok, err)
	}
	if err := Save(ctx, st, testConfig("http://lrs.example.com/")); err == nil {
		t.Fatal("Save accepted plain http to a remote host")
	}
	if err := Save(ctx, st, testConfig("https://lrs.example.com/data/xAPI")); err != nil {
		t.Fatal(err)
	}
	cfg, ok, err := Load(ctx, st)
	if err != nil || !ok || cfg.Endpoint != "https://lrs.example.com/data/xAPI/" || cfg.ActorMbox != "mailto:ada@example.com" ||
		cfg.IRIBase != DefaultIRIBase || cfg.PassThreshold != DefaultPassThreshold || cfg.Language != "en" {
		t.Fatalf("Load = %v, %v, %v", cfg, ok, err)
	}
	if err := st.SetSetting(ctx, SettingKey, testConfig("http://10.0.0.2/xAPI/")); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Load(ctx, st); !ok || err == nil || !strings.Contains(err.Error(), "refusing plain http") {
		t.Fatalf("Load of a stored http endpoint = %v, %v", ok, err)
	}
	if rec, err := LoadRecorder(ctx, st); rec != nil || err == nil {
		t.Fatalf("LoadRecorder of a bad configuration = %v, %v", rec, err)
	}
	if err := Disable(ctx, st); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := Load(ctx, st); ok || err != nil {
		t.Fatalf("Load after Disable = %v, %v", ok, err)
	}
}

// TestConfigRedacted: no printed form of a configuration shows the
// password.
func TestConfigRedacted(t *testing.T) {
	c := testConfig("https://lrs.example.com/")
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("lrs", "cfg", c)
	forms := map[string]string{
		"%v": fmt.Sprintf("%v", c), "%+v": fmt.Sprintf("%+v", c), "%#v": fmt.Sprintf("%#v", c), "%s": fmt.Sprintf("%s", c),
		"slog": logged.String(), "pointer": fmt.Sprintf("%v", &c),
	}
	for name, s := range forms {
		t.Run(name, func(t *testing.T) {
			if strings.Contains(s, c.Password) {
				t.Fatalf("%s shows the password: %s", name, s)
			}
			if !strings.Contains(s, "lrs.example.com") {
				t.Fatalf("%s does not describe the configuration: %s", name, s)
			}
		})
	}
}
