package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/samverkan/samverkan/ent/privacy"
	"github.com/samverkan/samverkan/ent/schema/enum"
	"github.com/samverkan/samverkan/search"
)

// Activity holds the schema definition for the Activity entity: a
// prioritised activity under a heading, carried out by municipalities and
// institutions together.
type Activity struct {
	ent.Schema
}

// Mixin of the Activity.
func (Activity) Mixin() []ent.Mixin {
	return []ent.Mixin{TimeMixin{}, VersionMixin{}, InputMixin{}, AuditMixin{}, PolicyMixin{}}
}

// Fields of the Activity.
func (Activity) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").
			Validate(maxRunes(maxLine)).
			Validate(notBlank).
			Comment("What is to be done, e.g. \"Samverkan kring Barnkulturplaner\".").
			// titleContainsFold, the search clients use most, answered
			// from an index (package search).
			Annotations(swedishText(), entgql.OrderField("TITLE"), search.Infix()),
		field.Text("description").
			Validate(maxRunes(maxText)).
			Optional().
			Comment("A longer description of the activity."),
		field.Enum("status").
			GoType(enum.Status("")).
			Default(string(enum.StatusPlanned)).
			Comment("Where the activity stands: planned (planerad), ongoing (pågående), done (genomförd) or cancelled (inställd).").
			Annotations(entgql.Type("ActivityStatus"), entgql.OrderField("STATUS")),
		field.Int("first_year").
			Optional().
			Nillable().
			Validate(year).
			Comment("The first year the activity is prioritised for; within its plan's period.").
			Annotations(entgql.OrderField("FIRST_YEAR")),
		field.Int("last_year").
			Optional().
			Nillable().
			Validate(year).
			Comment("The last year the activity is prioritised for; never before firstYear, within its plan's period.").
			Annotations(entgql.OrderField("LAST_YEAR")),
		field.Time("start_date").
			Optional().
			Nillable().
			Comment("When the activity starts, if a date is set."),
		field.Time("end_date").
			Optional().
			Nillable().
			Comment("When the activity ends, if a date is set."),
		field.Time("next_review").
			Optional().
			Nillable().
			Comment("When the activity is next to be reviewed (avstämningsdatum).").
			Annotations(entgql.OrderField("NEXT_REVIEW")),
		field.String("lead").
			Validate(maxRunes(maxLine)).
			Optional().
			Comment("Who leads the activity: an institution, a role or a person."),
		field.Int("objective_id").
			Comment("The ID of the heading the activity belongs to."),
		field.Int("predecessor_id").
			Optional().
			Nillable().
			Comment("The ID of the activity of an earlier plan this one carries over, if any.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the Activity.
func (Activity) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("objective", Objective.Type).
			Ref("activities").
			Field("objective_id").
			Unique().
			Required().
			Comment("The heading the activity belongs to."),
		edge.To("municipalities", Municipality.Type).
			Comment("The municipalities that take part in the activity.").
			Annotations(
				entgql.RelayConnection(),
				entgql.OrderField("MUNICIPALITIES_COUNT"),
			),
		edge.To("institutions", Institution.Type).
			Comment("The institutions that take part in the activity.").
			Annotations(
				entgql.RelayConnection(),
				entgql.OrderField("INSTITUTIONS_COUNT"),
			),
		edge.To("perspectives", Perspective.Type).
			Comment("The kulturplan's perspectives the activity serves (perspektiv), e.g. Barn.").
			Annotations(entgql.RelayConnection()),
		edge.To("status_changes", StatusChange.Type).
			Comment("The changes of the activity's status, the first being its creation.").
			Annotations(
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
			),
		edge.To("follow_ups", FollowUp.Type).
			Comment("The follow-ups reported on the activity, newest first when ordered by date.").
			Annotations(
				// Children name their parent; the parent's inputs do not move them.
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
				entgql.OrderField("FOLLOW_UPS_COUNT"),
			),
		// Set by startNextPeriod only: a carried-over activity names the
		// one it continues, whose history and follow-ups stay with it.
		edge.To("successor", Activity.Type).
			Unique().
			Comment("The activity of a later plan that carries this one over, if any.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			From("predecessor").
			Unique().
			Field("predecessor_id").
			Comment("The activity of an earlier plan this one carries over, if any: its history and follow-ups stay there.").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("indicators", Indicator.Type).
			Comment("The indicators (mått) that measure the activity.").
			Annotations(
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput),
				entsql.OnDelete(entsql.Cascade),
				entgql.RelayConnection(),
			),
	}
}

// Indexes of the Activity.
func (Activity) Indexes() []ent.Index {
	return []ent.Index{
		// SQLite does not index foreign keys by itself.
		index.Fields("objective_id"),
		// Lists are ordered by title (in Swedish order, see swedishText)
		// and paged; the index lets a page be read without sorting the table.
		index.Fields("title"),
		// No index on status: with four values it is never selective
		// enough to read by, and an index over it made every status
		// change write every index of the table (on PostgreSQL, no HOT
		// update). storage.Migrate drops it from older databases.
	}
}

// Hooks of the Activity.
func (Activity) Hooks() []ent.Hook {
	return []ent.Hook{
		planStatesTurnOn("objective_id"),
		yearRangeHook("first_year", "last_year"),
		dateRangeHook("start_date", "end_date"),
		activityWithinPlanPeriod,
		recordStatusChange,
		skipUnchanged, // last: see its doc
	}
}

// Policy of the Activity: admins change activities; editors update those in
// their scope, not under a closed plan, and change only the links of their
// scope, never the last. scope.Updatable says which activities it lets a
// viewer update, as a predicate: the filter viewerCanUpdate.
func (Activity) Policy() ent.Policy {
	return privacy.Policy{Mutation: privacy.MutationPolicy{allowAdmins, editorsNotInClosedPlans, editorsKeepLinksInScope, editorsEditActivities, denyOthers}}
}

// Annotations of the Activity.
func (Activity) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("A prioritised activity under a heading: what is to be done, its status, the years it is prioritised for, and the municipalities and institutions that take part."),
		entgql.RelayConnection(),
		entgql.QueryField(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
		entgql.MultiOrder(),
	}
}
