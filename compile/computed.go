package compile

import (
	"github.com/samverkan/samverkan/auth"
	"github.com/samverkan/samverkan/ent/goal"
	"github.com/samverkan/samverkan/ent/plan"
)

// computed are the fields of the graph that are neither columns nor edges
// but what a resolver of ours makes of columns, each written as SQL that
// gives exactly what the resolver gives, for the row a. They are the
// schema's only facts kept by hand: a resolver's code cannot be generated
// into SQL.
var computed = map[string]func(b *builder, a string) string{
	// Goal.sentence (graph/plan.resolvers.go): the plan's goalsIntro, a
	// space and the goal's statement, or the statement alone without an
	// intro; null without a statement. It reads the plan, under the
	// plan's read policy.
	"Goal.sentence": func(b *builder, a string) string {
		b.policies[types["Plan"]] = true
		p := b.alias()
		statement := "coalesce(" + a + "." + b.d.ident(goal.FieldStatement) + ", '')"
		intro := "coalesce((SELECT " + p + "." + b.d.ident(plan.FieldGoalsIntro) + " FROM " + b.d.ident(plan.Table) + " AS " + p +
			" WHERE " + p + ".id = " + a + "." + b.d.ident(goal.PlanColumn) + "), '')"
		return "CASE WHEN " + statement + " = '' THEN 'null' ELSE " +
			b.d.jsonString("CASE WHEN "+intro+" = '' THEN "+statement+" ELSE "+intro+" || ' ' || "+statement+" END") + " END"
	},
	// Plan.openDataExported (graph/plan.resolvers.go): opendata's rule of
	// which plans a server exports, which depends on whether the server
	// is private (the request's context says).
	"Plan.openDataExported": func(b *builder, a string) string {
		exported := a + "." + b.d.ident(plan.FieldState) + " <> '" + string(plan.StateDraft) + "'"
		if auth.ReadsRequireSignIn(b.ctx) {
			exported += " AND " + a + "." + b.d.ident(plan.FieldOpenData)
		}
		return "CASE WHEN " + exported + " THEN 'true' ELSE 'false' END"
	},
}
