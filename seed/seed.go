// Package seed loads data into an empty database: the Örebro plan that
// ships with the binary (orebro.json), and the generated national dataset
// the benchmarks run on.
package seed

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/ent/activity"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/institution"
	"github.com/samverkan/samverkan/ent/municipality"
	"github.com/samverkan/samverkan/ent/objective"
	"github.com/samverkan/samverkan/ent/perspective"
	"github.com/samverkan/samverkan/ent/plan"
)

// orebroJSON is Region Örebro län's joint action plan for culture
// 2020–2023, as its web page gives it, with the county's municipalities,
// the institutions the page names, and the perspectives of Örebro läns
// kulturplan 2020–2023 (which activities may be tagged with).
//
//go:embed orebro.json
var orebroJSON []byte

// Data is the shape of a seed file.
type Data struct {
	Municipalities []struct {
		Code         string `json:"code"`
		Name         string `json:"name"`
		OfficialName string `json:"officialName"`
	} `json:"municipalities"`
	// Perspectives are the kulturplan's perspectives activities are tagged
	// with, in its order; the seed tags no activity.
	Perspectives []struct {
		Name string `json:"name"`
	} `json:"perspectives"`
	Institutions []struct {
		Name         string           `json:"name"`
		Kind         institution.Kind `json:"kind"`
		Municipality string           `json:"municipality"` // code; empty for region-wide actors
		Description  string           `json:"description"`
		LegalForm    string           `json:"legalForm"`
	} `json:"institutions"`
	Plan struct {
		Name        string `json:"name"`
		Region      string `json:"region"`
		CountyCode  string `json:"countyCode"`
		FirstYear   int    `json:"firstYear"`
		LastYear    int    `json:"lastYear"`
		ParentPlan  string `json:"parentPlan"`
		SourceURL   string `json:"sourceURL"`
		SourceDate  string `json:"sourceDate"` // YYYY-MM-DD
		Description string `json:"description"`
		GoalsIntro  string `json:"goalsIntro"` // the opening the goals' statements complete
		Goals       []struct {
			Number       int      `json:"number"`
			Title        string   `json:"title"`
			Area         string   `json:"area"`
			Statement    string   `json:"statement"`
			Actors       []string `json:"actors"` // institutions' names
			FocusAreas   []string `json:"focusAreas"`
			TargetGroups []string `json:"targetGroups"`
			Objectives   []struct {
				Title      string `json:"title"`
				Activities []struct {
					Title          string   `json:"title"`
					FirstYear      int      `json:"firstYear"`
					LastYear       int      `json:"lastYear"`
					Municipalities []string `json:"municipalities"` // codes
					Institutions   []string `json:"institutions"`   // names
				} `json:"activities"`
			} `json:"objectives"`
		} `json:"goals"`
	} `json:"plan"`
}

// Orebro returns the Örebro plan's seed data.
func Orebro() (*Data, error) {
	var d Data
	if err := json.Unmarshal(orebroJSON, &d); err != nil {
		return nil, fmt.Errorf("read orebro.json: %w", err)
	}
	return &d, nil
}

// IsEmpty reports whether the database holds no plan and no municipality:
// a first start, when the seed is loaded.
func IsEmpty(ctx context.Context, client *ent.Client) (bool, error) {
	ctx = trusted(ctx)
	plans, err := client.Plan.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("look for plans: %w", err)
	}
	municipalities, err := client.Municipality.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("look for municipalities: %w", err)
	}
	return !plans && !municipalities, nil
}

// Load writes the seed data in one transaction. It adds only what is
// missing, found by natural keys (a municipality's code, an institution's
// name, a plan's name and region, a goal's number, a heading's or an
// activity's title), so loading it twice changes nothing, and it never
// overwrites what a user has changed since.
func Load(ctx context.Context, client *ent.Client, d *Data) error {
	ctx = trusted(ctx)
	tx, err := client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	l := loader{tx: tx, municipalities: map[string]int{}, institutions: map[string]int{}}
	if err := l.load(ctx, d); err != nil {
		return abort(tx, fmt.Errorf("seed: %w", err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return nil
}

// LoadOrebro loads the Örebro plan (see Load).
func LoadOrebro(ctx context.Context, client *ent.Client) error {
	d, err := Orebro()
	if err != nil {
		return err
	}
	return Load(ctx, client, d)
}

// abort rolls tx back and returns err, with the rollback's own failure if any.
func abort(tx *ent.Tx, err error) error {
	if rerr := tx.Rollback(); rerr != nil {
		return fmt.Errorf("%w (and rollback: %v)", err, rerr)
	}
	return err
}

type loader struct {
	tx             *ent.Tx
	municipalities map[string]int // code → id
	institutions   map[string]int // name → id
}

func (l *loader) load(ctx context.Context, d *Data) error {
	for _, m := range d.Municipalities {
		id, err := l.tx.Municipality.Query().Where(municipality.Code(m.Code)).OnlyID(ctx)
		if ent.IsNotFound(err) {
			var created *ent.Municipality
			created, err = l.tx.Municipality.Create().
				SetCode(m.Code).
				SetName(m.Name).
				SetOfficialName(m.OfficialName).
				Save(ctx)
			if err == nil {
				id = created.ID
			}
		}
		if err != nil {
			return fmt.Errorf("municipality %s %s: %w", m.Code, m.Name, err)
		}
		l.municipalities[m.Code] = id
	}
	for pos, p := range d.Perspectives {
		exists, err := l.tx.Perspective.Query().Where(perspective.Name(p.Name)).Exist(ctx)
		if err == nil && !exists {
			err = l.tx.Perspective.Create().SetName(p.Name).SetPosition(pos).Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("perspective %s: %w", p.Name, err)
		}
	}
	for _, in := range d.Institutions {
		id, err := l.tx.Institution.Query().Where(institution.Name(in.Name)).FirstID(ctx)
		if ent.IsNotFound(err) {
			create := l.tx.Institution.Create().
				SetName(in.Name).
				SetKind(in.Kind).
				SetDescription(in.Description).
				SetLegalForm(in.LegalForm)
			if in.Municipality != "" {
				home, ok := l.municipalities[in.Municipality]
				if !ok {
					return fmt.Errorf("institution %s: no municipality %s in the seed", in.Name, in.Municipality)
				}
				create.SetMunicipalityID(home)
			}
			var created *ent.Institution
			if created, err = create.Save(ctx); err == nil {
				id = created.ID
			}
		}
		if err != nil {
			return fmt.Errorf("institution %s: %w", in.Name, err)
		}
		l.institutions[in.Name] = id
	}
	return l.loadPlan(ctx, d)
}

func (l *loader) loadPlan(ctx context.Context, d *Data) error {
	p := d.Plan
	planID, err := l.tx.Plan.Query().Where(plan.Name(p.Name), plan.Region(p.Region)).FirstID(ctx)
	if ent.IsNotFound(err) {
		create := l.tx.Plan.Create().
			SetName(p.Name).
			SetRegion(p.Region).
			SetCountyCode(p.CountyCode).
			SetFirstYear(p.FirstYear).
			SetLastYear(p.LastYear).
			SetParentPlan(p.ParentPlan).
			SetSourceURL(p.SourceURL).
			SetDescription(p.Description).
			SetGoalsIntro(p.GoalsIntro)
		if p.SourceDate != "" {
			date, err := time.Parse(time.DateOnly, p.SourceDate)
			if err != nil {
				return fmt.Errorf("plan %s: source date: %w", p.Name, err)
			}
			create.SetSourceDate(date)
		}
		var created *ent.Plan
		if created, err = create.Save(ctx); err == nil {
			planID = created.ID
		}
	}
	if err != nil {
		return fmt.Errorf("plan %s: %w", p.Name, err)
	}
	// A plan loaded before the seed had its goals' intro gets it; one a
	// user gave an intro keeps it.
	if p.GoalsIntro != "" {
		lacks, err := l.tx.Plan.Query().Where(plan.ID(planID), plan.Or(plan.GoalsIntroIsNil(), plan.GoalsIntro(""))).Exist(ctx)
		if err == nil && lacks {
			err = l.tx.Plan.UpdateOneID(planID).SetGoalsIntro(p.GoalsIntro).Exec(ctx)
		}
		if err != nil {
			return fmt.Errorf("plan %s: %w", p.Name, err)
		}
	}
	for _, g := range p.Goals {
		goalID, err := l.tx.Goal.Query().Where(goal.PlanID(planID), goal.Number(g.Number)).OnlyID(ctx)
		if ent.IsNotFound(err) {
			create := l.tx.Goal.Create().
				SetPlanID(planID).
				SetNumber(g.Number).
				SetArea(g.Area).
				SetStatement(g.Statement).
				SetFocusAreas(g.FocusAreas).
				SetTargetGroups(g.TargetGroups)
			if g.Title != "" {
				create.SetTitle(g.Title)
			}
			var created *ent.Goal
			if created, err = create.Save(ctx); err == nil {
				goalID = created.ID
			}
		}
		if err != nil {
			return fmt.Errorf("goal %d: %w", g.Number, err)
		}
		if err := l.linkActors(ctx, goalID, g.Actors); err != nil {
			return fmt.Errorf("goal %d: %w", g.Number, err)
		}
		for pos, o := range g.Objectives {
			objectiveID, err := l.tx.Objective.Query().Where(objective.GoalID(goalID), objective.Title(o.Title)).OnlyID(ctx)
			if ent.IsNotFound(err) {
				var created *ent.Objective
				created, err = l.tx.Objective.Create().
					SetGoalID(goalID).
					SetTitle(o.Title).
					SetPosition(pos).
					Save(ctx)
				if err == nil {
					objectiveID = created.ID
				}
			}
			if err != nil {
				return fmt.Errorf("goal %d, heading %q: %w", g.Number, o.Title, err)
			}
			for _, a := range o.Activities {
				if err := l.loadActivity(ctx, objectiveID, a.Title, a.FirstYear, a.LastYear, a.Municipalities, a.Institutions); err != nil {
					return fmt.Errorf("goal %d, activity %q: %w", g.Number, a.Title, err)
				}
			}
		}
	}
	return nil
}

// linkActors links the goal to the actors the seed says it names, those it
// is not linked to yet; links a user added stay.
func (l *loader) linkActors(ctx context.Context, goalID int, names []string) error {
	if len(names) == 0 {
		return nil
	}
	have, err := l.tx.Goal.Query().Where(goal.ID(goalID)).QueryActors().IDs(ctx)
	if err != nil {
		return err
	}
	var add []int
	for _, name := range names {
		id, ok := l.institutions[name]
		if !ok {
			return fmt.Errorf("no institution %q in the seed", name)
		}
		if !slices.Contains(have, id) {
			add = append(add, id)
		}
	}
	if len(add) == 0 {
		return nil
	}
	return l.tx.Goal.UpdateOneID(goalID).AddActorIDs(add...).Exec(ctx)
}

func (l *loader) loadActivity(ctx context.Context, objectiveID int, title string, firstYear, lastYear int, codes, institutions []string) error {
	act, err := l.tx.Activity.Query().
		Where(activity.ObjectiveID(objectiveID), activity.Title(title)).
		WithMunicipalities().WithInstitutions().
		Only(ctx)
	if ent.IsNotFound(err) {
		act, err = l.tx.Activity.Create().
			SetObjectiveID(objectiveID).
			SetTitle(title).
			SetFirstYear(firstYear).
			SetLastYear(lastYear).
			Save(ctx)
	}
	if err != nil {
		return err
	}
	// Add the links the seed names and the activity lacks; links a user
	// added stay.
	var addMunicipalities, addInstitutions []int
	for _, code := range codes {
		id, ok := l.municipalities[code]
		if !ok {
			return fmt.Errorf("no municipality %s in the seed", code)
		}
		if !slices.ContainsFunc(act.Edges.Municipalities, func(m *ent.Municipality) bool { return m.ID == id }) {
			addMunicipalities = append(addMunicipalities, id)
		}
	}
	for _, name := range institutions {
		id, ok := l.institutions[name]
		if !ok {
			return fmt.Errorf("no institution %q in the seed", name)
		}
		if !slices.ContainsFunc(act.Edges.Institutions, func(i *ent.Institution) bool { return i.ID == id }) {
			addInstitutions = append(addInstitutions, id)
		}
	}
	if len(addMunicipalities) == 0 && len(addInstitutions) == 0 {
		return nil
	}
	return l.tx.Activity.UpdateOne(act).
		AddMunicipalityIDs(addMunicipalities...).
		AddInstitutionIDs(addInstitutions...).
		Exec(ctx)
}
