package cli

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidbit-learn/tidbit/app/assign"
	"github.com/tidbit-learn/tidbit/app/content"
	"github.com/tidbit-learn/tidbit/app/core"
	"github.com/tidbit-learn/tidbit/app/doctor"
	"github.com/tidbit-learn/tidbit/app/exchange"
	"github.com/tidbit-learn/tidbit/app/instance"
	"github.com/tidbit-learn/tidbit/app/learner/storepick"
	"github.com/tidbit-learn/tidbit/app/lessonflow"
	"github.com/tidbit-learn/tidbit/app/lessonflow/terminal"
	"github.com/tidbit-learn/tidbit/app/paths"
	"github.com/tidbit-learn/tidbit/app/settings"
	"github.com/tidbit-learn/tidbit/app/store"
	"github.com/tidbit-learn/tidbit/app/xapi"
)

func (c *cli) learnCmd() *cobra.Command {
	var lesson string
	cmd := &cobra.Command{
		Use:   "learn",
		Short: "Run a micro-session in this terminal: a lesson and its quiz, or a review",
		Long: `Shows the next lesson picked for you, then its quiz. Answer with the number
keys and Enter (several numbers for "choose all that apply"); each answer is
explained and saved the moment you give it. A review of questions that are
due shows each question; Enter shows the answer, then grade how well you
recalled it: 1 Again, 2 Hard, 3 Good, 4 Easy. Type q and Enter to stop early,
r and Enter to report a bad AI-written question. Works over SSH and without
a display.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := c.paths()
			if err != nil {
				return err
			}
			if err := p.Ensure(); err != nil {
				return err
			}
			// One terminal session at a time per data folder: the same flock
			// the tray uses for its single instance (released by the kernel
			// if the process dies).
			release, holder, err := instance.Lock(p.Lock("learn"))
			if errors.Is(err, instance.ErrLocked) {
				who := "another `tidbit learn`"
				if holder > 0 {
					who += fmt.Sprintf(" (process %d)", holder)
				}
				return &exitError{code: ExitBusy, err: fmt.Errorf("%s is already running with this data folder; finish that one first", who)}
			}
			if err != nil {
				return err
			}
			defer release()
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			cards, err := storepick.CardsFor(cmd.Context(), a.Store)
			if err != nil {
				return err
			}
			// With an LRS set up, statements go to the outbox in the same
			// transactions as the progress; a broken setting never stops a
			// lesson.
			rec, err := xapi.LoadRecorder(cmd.Context(), a.Store)
			if err != nil {
				fmt.Fprintf(c.Err, "note: xAPI reporting is off: %v (see tidbit doctor)\n", err)
				rec = nil
			}
			// The same engine and wiring as the lesson window (uiproc's
			// openLesson): personal FSRS cards, assignments first, xAPI;
			// the terminal asks a lesson's whole quiz.
			flow := &lessonflow.Flow{Store: a.Store, Taxonomy: a.Taxonomy, Cards: cards, Now: c.Now, Source: "cli", FullQuiz: true,
				Picker: storepick.Picker{Store: a.Store, Taxonomy: a.Taxonomy, Now: c.Now,
					Assignments: c.pickerAssignments(cmd.Context(), a)}}
			if rec != nil {
				flow.Outbox = rec
			}
			s := &terminal.Session{Flow: flow, In: c.In, Out: c.Out}
			res, err := s.Run(cmd.Context(), lesson)
			if err != nil {
				return err
			}
			// The learner is done: a good time to refit personal review
			// weights (at most weekly; a fraction of a second). A failure
			// here must not turn a finished lesson into an error.
			if rec != nil {
				c.reportMastered(cmd.Context(), a, rec, res.LessonID)
				// A short try; what does not go out now stays in the outbox.
				ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
				if _, err := (&xapi.Sender{Store: a.Store, Now: c.Now}).Flush(ctx); err != nil {
					fmt.Fprintf(c.Err, "note: progress not reported yet (kept for later): %v\n", err)
				}
				cancel()
			}
			if fitted, err := storepick.RefitIfDue(cmd.Context(), a.Store, c.Now()); err != nil {
				fmt.Fprintf(c.Err, "note: could not fit your personal review schedule: %v\n", err)
			} else if fitted {
				fmt.Fprintln(c.Out, "Your review schedule now uses weights fitted to your own answers.")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&lesson, "lesson", "", "run this lesson (an id from `tidbit library`) instead of the next pick")
	return cmd
}

// skipCheck: `tidbit learn` must start fast even on a large database, so it
// leaves the integrity check to doctor and the daemon; SQLite still reports
// damage on any page it reads, and the store turns that into a clear error.
func skipCheck() store.Options { return store.Options{SkipCheck: true} }

func (c *cli) importCmd() *cobra.Command {
	var dryRun, strict bool
	var skill, packID string
	cmd := &cobra.Command{
		Use:   "import PATH",
		Short: "Import a lesson pack (folder or .zip), a quiz file (GIFT, Aiken, Anki) or restore a JSON backup",
		Long: `Imports a lesson pack: a folder, or a .zip of one, with Markdown lessons
(see the README, "Writing lesson packs"). Everything is checked first; one
problem anywhere means nothing is imported, and every problem is listed with
its file and line. Importing the same pack again changes nothing; an updated
pack updates its lessons in place and keeps your progress.

A .json file made by 'tidbit export --format json' is restored instead:
merged into this data folder in one transaction.

Quiz files become lessons of their own pack: Moodle GIFT (.gift), Aiken
(.aiken, or .txt), Anki notes as text (.csv, .tsv, or a .txt with Anki's
#separator header) and Anki packages (.apkg). The questions are filed under
--skill (default learning-how-to-learn). Question types Tidbit cannot ask
(GIFT short answer, numerical, matching, essay) are skipped with a warning
naming their line, or refused with --strict.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			src := args[0]
			a, err := c.open(ctx, core.Options{})
			if err != nil {
				return err
			}
			defer a.Close()
			if strings.EqualFold(filepath.Ext(src), ".json") {
				return c.restore(ctx, a, src, dryRun)
			}
			if isAssignmentPath(src) {
				return c.importAssignment(ctx, a, src, dryRun)
			}
			var pk *content.Pack
			if exchange.Handles(src) {
				pk, err = exchange.ReadPath(src, exchange.Options{Skill: skill, PackID: packID, Strict: strict,
					Warn: func(p content.Problem) { fmt.Fprintf(c.Err, "warning: %s\n", p) }})
			} else {
				pk, err = content.ReadPath(src, content.DefaultLimits)
			}
			if err != nil {
				return err
			}
			if dryRun {
				skills, _ := a.Store.KnownSkills(ctx)
				owners, _ := a.Store.LessonOwners(ctx)
				if err := pk.Validate(content.Catalog{Skills: skills, Lessons: owners}); err != nil {
					return err
				}
				fmt.Fprintf(c.Out, "%s: pack %q is valid: %d lessons (nothing imported: --dry-run)\n", src, pk.Meta.ID, len(pk.Lessons))
				return nil
			}
			res, err := content.Import(ctx, a.Store, pk)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.Out, "Imported pack %q from %s: %d new, %d updated, %d unchanged lessons", res.Pack, src, res.Added, res.Updated, res.Same)
			if res.QuestionsRetired > 0 {
				fmt.Fprintf(c.Out, "; %d questions retired", res.QuestionsRetired)
			}
			fmt.Fprintln(c.Out, ".")
			if len(res.LessonsMissingFromNew) > 0 {
				fmt.Fprintf(c.Out, "Retired (no longer in the pack; your progress on them is kept): %s\n", strings.Join(res.LessonsMissingFromNew, ", "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "check the pack or backup without importing it")
	cmd.Flags().StringVar(&skill, "skill", exchange.DefaultSkill, "quiz files (.gift .aiken .txt .csv .tsv .apkg): the taxonomy skill the questions train")
	cmd.Flags().StringVar(&packID, "pack-id", "", "quiz files: the pack id (default: from the file name)")
	cmd.Flags().BoolVar(&strict, "strict", false, "quiz files: refuse question types Tidbit cannot ask instead of skipping them")
	return cmd
}

// maxBackupBytes bounds a backup read into memory.
const maxBackupBytes = 512 << 20

func (c *cli) restore(ctx context.Context, a *core.App, src string, dryRun bool) error {
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	if fi.Size() > maxBackupBytes {
		return fmt.Errorf("%s is %d bytes; backups over %d bytes are refused", src, fi.Size(), maxBackupBytes)
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if !store.IsBackup(data) {
		return fmt.Errorf("%s:1: not a Tidbit backup (made by `tidbit export --format json`)", src)
	}
	b, err := store.ReadBackup(src, data)
	if err != nil {
		return err
	}
	if dryRun {
		fmt.Fprintf(c.Out, "%s: a valid backup of schema %d from %s (nothing restored: --dry-run)\n", src, b.Schema, b.CreatedAt.Format(time.RFC3339))
		return nil
	}
	res, err := a.Store.Restore(ctx, src, b)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range res.Rows {
		total += n
	}
	fmt.Fprintf(c.Out, "Restored %s: %d rows merged (answers, attempts and reflections already here were kept).\n", src, total)
	return nil
}

func (c *cli) exportCmd() *cobra.Command {
	var format, out, pack string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export a full JSON backup, your answers as CSV, or lessons as GIFT, Aiken or Anki",
		Long: `--format json writes a full backup of everything Tidbit stores (restore it
with 'tidbit import FILE.json'). --format csv writes one row per answered
question, for a spreadsheet. --format gift, aiken and apkg write the lessons'
questions for Moodle (GIFT keeps every explanation; Aiken has single-answer
questions only) or Anki (an .apkg, which needs --out); --pack limits them to
one pack. Without --out it writes to standard output.
Files are written with mode 0600 and replaced atomically.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "json", "csv", "gift", "aiken":
			case "apkg":
				if out == "" || out == "-" {
					return usageError{errors.New("--format apkg writes a zip file: give --out FILE.apkg")}
				}
			default:
				return usageError{fmt.Errorf("--format must be json, csv, gift, aiken or apkg, not %q", format)}
			}
			ctx := cmd.Context()
			a, err := c.open(ctx, core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			write := func(w io.Writer) error {
				switch format {
				case "csv":
					return writeAnswersCSV(ctx, a, w)
				case "gift", "aiken", "apkg":
					lessons, err := exchange.LoadLessons(ctx, a.Store, pack)
					if err != nil {
						return err
					}
					switch format {
					case "gift":
						return exchange.WriteGIFT(w, lessons)
					case "apkg":
						return exchange.WriteAPKGTo(w, lessons)
					}
					skipped, err := exchange.WriteAiken(w, lessons)
					if len(skipped) > 0 {
						fmt.Fprintf(c.Err, "Aiken has no multiple-answer questions: left out %d (%s)\n", len(skipped), strings.Join(skipped, ", "))
					}
					return err
				}
				b, err := a.Store.Export(ctx)
				if err != nil {
					return err
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", " ")
				return enc.Encode(b)
			}
			if out == "" || out == "-" {
				return write(c.Out)
			}
			if err := writeFileAtomic(out, write); err != nil {
				return err
			}
			fmt.Fprintf(c.Err, "Wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "json", "json (full backup), csv (answers), gift, aiken or apkg (lessons, for Moodle or Anki)")
	cmd.Flags().StringVar(&pack, "pack", "", "gift, aiken, apkg: only this pack's lessons")
	cmd.Flags().StringVar(&out, "out", "", "file to write (default: standard output)")
	return cmd
}

// writeFileAtomic writes to a temporary file beside path and renames it, so
// an interrupted export never leaves half a file under the real name.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tidbit-export-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(paths.FileMode); err != nil {
		f.Close()
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func writeAnswersCSV(ctx context.Context, a *core.App, w io.Writer) error {
	b, err := a.Store.Export(ctx)
	if err != nil {
		return err
	}
	questions := map[string]map[string]any{}
	for _, q := range b.Tables["questions"] {
		questions[fmt.Sprint(q["id"])] = q
	}
	lessons := map[string]map[string]any{}
	for _, l := range b.Tables["lessons"] {
		lessons[fmt.Sprint(l["id"])] = l
	}
	mainSkill := map[string]string{}
	for _, ls := range b.Tables["lesson_skills"] {
		if fmt.Sprint(ls["ord"]) == "0" {
			mainSkill[fmt.Sprint(ls["lesson_id"])] = fmt.Sprint(ls["skill_id"])
		}
	}
	cw := csv.NewWriter(w)
	cw.Write([]string{"answered_at", "lesson_id", "lesson_title", "skill", "question_id", "question", "chosen", "correct", "seconds", "attempt_id", "answer_id"})
	for _, an := range b.Tables["answers"] {
		qid := fmt.Sprint(an["question_id"])
		q := questions[qid]
		lid := fmt.Sprint(q["lesson_id"])
		at, _ := an["answered_at"].(int64)
		dur, _ := an["duration_ms"].(int64)
		cw.Write([]string{
			time.UnixMilli(at).UTC().Format(time.RFC3339), lid, fmt.Sprint(lessons[lid]["title"]), mainSkill[lid], qid,
			fmt.Sprint(q["prompt"]), oneBased(fmt.Sprint(an["chosen"])), fmt.Sprint(an["correct"]),
			strconv.FormatFloat(float64(dur)/1000, 'f', 1, 64), fmt.Sprint(an["attempt_id"]), fmt.Sprint(an["id"]),
		})
	}
	cw.Flush()
	return cw.Error()
}

// oneBased turns a stored choice like [0,2] into "1 3", as the learner typed it.
func oneBased(stored string) string {
	var idx []int
	if json.Unmarshal([]byte(stored), &idx) != nil {
		return stored
	}
	parts := make([]string, len(idx))
	for i, v := range idx {
		parts[i] = strconv.Itoa(v + 1)
	}
	return strings.Join(parts, " ")
}

func (c *cli) libraryCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "library",
		Short: "List the lessons you can learn",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			lib, err := a.Store.Library(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				if lib == nil {
					lib = []store.LessonSummary{}
				}
				return writeJSON(c.Out, lib)
			}
			// Assigned lessons say by whom and by when; a failure to read
			// assignments only drops the column's content.
			sts, _ := assignmentStatuses(cmd.Context(), a, c.Now())
			assigned := assign.AssignedLessons(sts)
			tw := tabwriter.NewWriter(c.Out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tTITLE\tCATEGORY\tKIND\tMIN\tQ\tDONE\tSKILLS\tASSIGNED")
			for _, l := range lib {
				done := ""
				if l.Completed > 0 {
					done = "✓"
				}
				by := ""
				if s, ok := assigned[l.ID]; ok {
					by = s.From + ", " + assign.StateWords(s, c.Now(), c.Loc)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t%s\n", l.ID, l.Title, l.Category, l.SkillKind, l.Minutes, l.Questions, done,
					strings.Join(l.Skills, ","), by)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(c.Out, "%d lessons. Start one with: tidbit learn --lesson ID\n", len(lib))
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (c *cli) skillsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "skills",
		Short: "List the skill taxonomy and role profiles (ids for lesson packs)",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck(), NoStarter: true})
			if err != nil {
				return err
			}
			defer a.Close()
			t := a.Taxonomy
			if asJSON {
				return writeJSON(c.Out, map[string]any{"categories": t.Categories, "skills": t.Skills, "roles": t.Roles})
			}
			tw := tabwriter.NewWriter(c.Out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SKILL\tNAME\tCATEGORY\tKIND")
			for _, s := range t.Skills {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.ID, s.Name, s.Category, s.Kind)
			}
			tw.Flush()
			fmt.Fprintln(c.Out, "\nRoles:")
			for _, r := range t.Roles {
				fmt.Fprintf(c.Out, "  %-20s %s (%d skills)\n", r.ID, r.Name, len(r.Skills))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (c *cli) statsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Show your progress: lessons, answers, minutes, streak, skills",
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := c.open(cmd.Context(), core.Options{Store: skipCheck()})
			if err != nil {
				return err
			}
			defer a.Close()
			st, err := a.Store.Stats(cmd.Context(), c.Now(), c.Loc)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.Out, st)
			}
			fmt.Fprintf(c.Out, "Lessons      %d of %d done (%d sessions)\n", st.LessonsCompleted, st.LessonsAvailable, st.Sessions)
			pct := 0
			if st.Answered > 0 {
				pct = 100 * st.Correct / st.Answered
			}
			fmt.Fprintf(c.Out, "Questions    %d answered, %d right (%d%%)\n", st.Answered, st.Correct, pct)
			fmt.Fprintf(c.Out, "Time         %.0f min this week, %.0f min in all\n", st.MinutesThisWeek, st.MinutesTotal)
			fmt.Fprintf(c.Out, "Streak       %d day(s); %d done today; active on %d day(s)\n", st.StreakDays, st.TodayCompleted, st.ActiveDays)
			if len(st.Skills) > 0 {
				fmt.Fprintln(c.Out, "\nBy skill (share of answers right):")
				sort.SliceStable(st.Skills, func(i, j int) bool { return st.Skills[i].Category < st.Skills[j].Category })
				for _, s := range st.Skills {
					frac := float64(s.Correct) / float64(s.Answered)
					bar := strings.Repeat("█", int(frac*10+0.5)) + strings.Repeat("░", 10-int(frac*10+0.5))
					fmt.Fprintf(c.Out, "  %-30s %s %3.0f%%  (%d/%d, %s, %s)\n", s.Name, bar, 100*frac, s.Correct, s.Answered, s.Category, s.Kind)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func (c *cli) doctorCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the data folder, database, desktop, calendars and model server",
		Long: `Checks everything Tidbit depends on and says, for each, OK or what to do.
Exits with status 1 when a check fails (a warning is not a failure).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			env := doctor.Env{Getenv: c.Env.Getenv}
			checks := []doctor.Check{c.checkDataFolder()}
			var st *store.Store
			checks = append(checks, doctor.Check{Name: "database", Run: func(ctx context.Context) doctor.Result {
				r, s := c.checkDatabase(ctx)
				st = s
				return r
			}})
			checks = append(checks, doctor.Display(env),
				doctor.Check{Name: "pop-up", Run: func(ctx context.Context) doctor.Result {
					notify := false
					if st != nil {
						if s, err := settings.Load(ctx, st); err == nil {
							notify = s.NotifyOffers
						}
					}
					return doctor.Popup(env, notify).Run(ctx)
				}},
				doctor.TrayHost(env), doctor.IdleSource(env),
				doctor.Check{Name: "calendars", Run: func(ctx context.Context) doctor.Result { return checkCalendars(ctx, st) }},
				doctor.Check{Name: "moments", Run: func(ctx context.Context) doctor.Result { return checkMoments(ctx, st, c.Now(), c.Loc) }},
				doctor.Check{Name: "model server", Run: func(ctx context.Context) doctor.Result { return c.checkModel(ctx, st) }},
				doctor.Check{Name: xapi.CheckName, Run: func(ctx context.Context) doctor.Result { return xapi.CheckResult(ctx, st, nil) }})
			res := doctor.Run(ctx, checks, 5*time.Second)
			if st != nil {
				st.Close()
			}
			if asJSON {
				if err := writeJSON(c.Out, map[string]any{"ok": !doctor.Failed(res), "checks": res}); err != nil {
					return err
				}
			} else {
				doctor.Write(c.Out, res)
			}
			if doctor.Failed(res) {
				return &exitError{code: ExitError, err: errors.New("some checks failed; see above")}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (c *cli) checkDataFolder() doctor.Check {
	return doctor.Check{Name: "data folder", Run: func(ctx context.Context) doctor.Result {
		p, err := c.paths()
		if err != nil {
			return doctor.Result{Status: doctor.Fail, Detail: err.Error(), Fix: "set TIDBIT_HOME or pass --data-dir"}
		}
		if err := p.Ensure(); err != nil {
			return doctor.Result{Status: doctor.Fail, Detail: err.Error(), Fix: "make the folder writable or pass --data-dir"}
		}
		probe, err := os.CreateTemp(p.Data, ".doctor-*")
		if err != nil {
			return doctor.Result{Status: doctor.Fail, Detail: p.Data + " is not writable: " + err.Error(),
				Fix: "fix its permissions (chmod u+rwx) or pass --data-dir"}
		}
		probe.Close()
		os.Remove(probe.Name())
		fi, err := os.Stat(p.Data)
		if err == nil && fi.Mode().Perm()&0o077 != 0 {
			return doctor.Result{Status: doctor.Warn, Detail: fmt.Sprintf("%s is readable by other users (mode %v)", p.Data, fi.Mode().Perm()),
				Fix: "chmod 700 " + p.Data}
		}
		return doctor.Result{Status: doctor.OK, Detail: p.Data}
	}}
}

func (c *cli) checkDatabase(ctx context.Context) (doctor.Result, *store.Store) {
	p, err := c.paths()
	if err != nil {
		return doctor.Result{Status: doctor.Fail, Detail: err.Error()}, nil
	}
	a, err := c.open(ctx, core.Options{Store: store.Options{SkipCheck: true}})
	if err != nil {
		return doctor.Result{Status: doctor.Fail, Detail: err.Error(), Fix: "see the message; the file was not changed"}, nil
	}
	problems, err := a.Store.Check(ctx)
	if err != nil {
		a.Close()
		return doctor.Result{Status: doctor.Fail, Detail: err.Error()}, nil
	}
	if len(problems) > 0 {
		a.Close()
		return doctor.Result{Status: doctor.Fail, Detail: fmt.Sprintf("%s is damaged: %s", p.Database(), problems[0]),
			Fix: "restore a backup with `tidbit import BACKUP.json` into a new --data-dir; the file was left untouched"}, nil
	}
	v, _ := a.Store.Version(ctx)
	st, err := a.Store.Stats(ctx, c.Now(), c.Loc)
	if err != nil {
		a.Close()
		return doctor.Result{Status: doctor.Fail, Detail: err.Error()}, nil
	}
	return doctor.Result{Status: doctor.OK, Detail: fmt.Sprintf("%s: schema %d, integrity ok, %d lessons, %d answers",
		p.Database(), v, st.LessonsAvailable, st.Answered)}, a.Store
}

func checkCalendars(ctx context.Context, st *store.Store) doctor.Result {
	var cals []string
	if st != nil {
		s, err := settings.Load(ctx, st)
		if err != nil {
			return doctor.Result{Status: doctor.Warn, Detail: err.Error()}
		}
		cals = s.Calendars
	}
	if len(cals) == 0 {
		return doctor.Result{Status: doctor.Warn, Detail: "no calendar set up: Tidbit cannot see your meetings, so it offers items only on idle pauses and when you ask",
			Fix: "add one in Settings or with `tidbit settings set calendars=PATH-OR-URL`; check it with `tidbit calendar PATH-OR-URL`"}
	}
	return doctor.Result{Status: doctor.OK, Detail: fmt.Sprintf("%d calendar(s) configured", len(cals))}
}

func (c *cli) checkModel(ctx context.Context, st *store.Store) doctor.Result {
	var set settings.Settings
	if st != nil {
		set, _ = settings.Load(ctx, st)
	}
	mc := set.CheckModel(ctx, c.Env.Getenv)
	r := doctor.Result{Status: doctor.Warn, Detail: mc.Detail, Fix: mc.Fix}
	if mc.OK {
		r.Status = doctor.OK
	}
	return r
}

// reportMastered queues xAPI "mastered" statements for the skills of the
// lesson just done that the knowledge-tracing model now rates as mastered.
// A failure is a note, never an error: the lesson itself is saved.
func (c *cli) reportMastered(ctx context.Context, a *core.App, rec *xapi.Recorder, lessonID string) {
	l, err := a.Store.Lesson(ctx, lessonID)
	if err != nil {
		return
	}
	m, err := storepick.KTMastery(ctx, a.Store)
	if err == nil {
		_, err = rec.EnqueueMasteredSkills(ctx, a.Store, m, l.Skills, func(id string) string {
			if sk, ok := a.Taxonomy.Skill(id); ok {
				return sk.Name
			}
			return id
		}, c.Now())
	}
	if err != nil {
		fmt.Fprintf(c.Err, "note: could not report mastered skills: %v\n", err)
	}
}
