// Package compile answers a GraphQL read with one SQL statement per root
// field: the statement builds the field's JSON inside the database, the way
// PostGraphile and Hasura do, so that a list page with its nested
// connections costs one round trip and no per-field work in Go.
//
// What it knows of the schema (tables, columns, edges, order fields, where
// predicates, read policies) is generated from the ent schema
// (schema_gen.go). It covers what clients use: Relay connections with
// first, last, after and before, totalCount, pageInfo and cursors in
// entgql's format; where filters through ent's own predicates; multi-field
// orderBy; edges to one node; aliases, fragments, @include and @skip,
// __typename; node(id:). A root field it cannot compile is left to the
// resolvers (Compile returns a *Fallback that says why), and the answer it
// writes is byte for byte what the resolvers write; the differential tests
// hold it to that.
package compile

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"entgo.io/ent/dialect/sql/sqlgraph"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/search"
)

// Compiler compiles the reads of one database.
type Compiler struct {
	client  *ent.Client
	dialect *sqlDialect
	// stats choose between the search index and ent's scan, on SQLite.
	stats search.Stats
	// kept are the statements compiled before.
	kept statements
}

// New returns a compiler that runs its statements through client, on a
// database of the given ent dialect (dialect.SQLite or dialect.Postgres).
func New(client *ent.Client, dialectName string) *Compiler {
	c := &Compiler{client: client}
	switch dialectName {
	case dialect.SQLite:
		c.dialect = sqlite
		c.stats = &searchStats{client: client}
	case dialect.Postgres:
		c.dialect = postgres
	}
	return c
}

// Fallback is why a root field was left to the resolvers.
type Fallback struct{ Reason string }

func (f *Fallback) Error() string { return "not compiled: " + f.Reason }

func fallback(format string, args ...any) *Fallback {
	return &Fallback{Reason: fmt.Sprintf(format, args...)}
}

// Statement is a compiled root field.
type Statement struct {
	SQL   string
	Args  []any
	types []*Type // whose read policies the statement passes
	// perRequest is true when the statement holds a predicate made for its
	// request's viewer (viewerCanUpdate): it is not kept for another.
	perRequest bool
}

// Compile compiles a root field of a query operation. It returns a
// *Fallback when the field is one it leaves to the resolvers. ctx must be
// the context gqlgen executes the operation in: the where filters are
// decoded by the schema's own input unmarshalers, which it carries.
func (c *Compiler) Compile(ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField) (*Statement, error) {
	return c.kept.compiled(oc, field, func() (*Statement, error) { return c.compile(ctx, oc, field) })
}

func (c *Compiler) compile(ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField) (*Statement, error) {
	if c.dialect == nil {
		return nil, fallback("no compiler for this database")
	}
	def := field.Definition
	if def == nil || def.Type == nil {
		return nil, fallback("field %s has no definition", field.Name)
	}
	if field.Name == "node" && def.Type.NamedType == "Node" {
		return c.node(ctx, oc, field)
	}
	if field.Name == "nodes" && def.Type.Elem != nil && def.Type.Elem.NamedType == "Node" {
		return c.nodes(ctx, oc, field)
	}
	if field.Name == "planReport" && def.Type.NamedType == "Plan" {
		b := c.builder(ctx, oc)
		if err := b.planReport(field); err != nil {
			return nil, err
		}
		return b.statement(), nil
	}
	typ, ok := types[strings.TrimSuffix(def.Type.NamedType, "Connection")]
	if !ok || def.Type.NamedType != typ.Name+"Connection" || !def.Type.NonNull {
		return nil, fallback("root field %s is not a connection of the ent schema", field.Name)
	}
	b := c.builder(ctx, oc)
	b.write("SELECT ")
	if err := b.connection(typ, nil, field); err != nil {
		return nil, err
	}
	return b.statement(), nil
}

// builder starts a statement.
func (c *Compiler) builder(ctx context.Context, oc *graphql.OperationContext) *builder {
	if c.stats != nil {
		ctx = search.WithStats(ctx, c.stats)
	}
	return &builder{ctx: ctx, oc: oc, d: c.dialect, policies: map[*Type]bool{}}
}

// statement is what b wrote.
func (b *builder) statement() *Statement {
	st := &Statement{SQL: b.sb.String(), Args: b.args, perRequest: b.perRequest}
	for t := range b.policies {
		st.types = append(st.types, t)
	}
	return st
}

// node compiles node(id:): the type comes from the id's range, as ent's
// Noder finds it.
func (c *Compiler) node(ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField) (*Statement, error) {
	b := c.builder(ctx, oc)
	b.write("SELECT ")
	if err := b.nodeByID(field.ArgumentMap(oc.Variables)["id"], field.Selections); err != nil {
		return nil, err
	}
	return b.statement(), nil
}

// nodes compiles nodes(ids:): a list of nodes by id, in the order of the
// ids. One that does not exist makes the statement NULL (ErrNoRow), for
// the resolvers to answer with their error.
func (c *Compiler) nodes(ctx context.Context, oc *graphql.OperationContext, field graphql.CollectedField) (*Statement, error) {
	ids, _ := field.ArgumentMap(oc.Variables)["ids"].([]any)
	b := c.builder(ctx, oc)
	b.write("SELECT '['")
	for i, id := range ids {
		if i > 0 {
			b.write(" || ','")
		}
		b.write(" || ")
		if err := b.nodeByID(id, field.Selections); err != nil {
			return nil, err
		}
	}
	b.write(" || ']'")
	return b.statement(), nil
}

// nodeByID writes the JSON of the node with the id, NULL when there is
// none.
func (b *builder) nodeByID(raw any, set ast.SelectionSet) error {
	id, err := graphql.UnmarshalIntID(raw)
	if err != nil {
		return fallback("node: id %v is not one of ours", raw)
	}
	typ := typeOfID[int(id/(1<<32-1))<<32]
	if typ == nil {
		return fallback("node: id %d is in no type's range", id)
	}
	b.policies[typ] = true
	a := b.alias()
	b.write("(SELECT ")
	joins, err := b.row(func() error { return b.node(typ, a, false, set) })
	if err != nil {
		return err
	}
	b.source(typ, a, nil, joins, nil, nil)
	b.write(" AND ", a, ".id = ", b.arg(id), ")")
	return nil
}

// typeOfID is each type by the first id of its range.
var typeOfID = func() map[int]*Type {
	m := make(map[int]*Type, len(types))
	for _, t := range types {
		m[t.IDStart] = t
	}
	return m
}()

// ErrNoRow is the error of Run for a statement that found nothing (a
// node that does not exist), which the resolvers answer with their error.
var ErrNoRow = &Fallback{Reason: "not found"}

// Run checks the read policies of the types the statement reads, as ent
// would, then runs it and returns the field's JSON.
func (c *Compiler) Run(ctx context.Context, st *Statement) ([]byte, error) {
	for _, t := range st.types {
		// A policy that lets the viewer read only some rows (an editor's
		// audit trail) filters ent's query; the statement would not.
		err := t.Policy(samverkan.ProbeReadPolicy(ctx), c.client)
		if errors.Is(err, samverkan.ErrReadFiltered) {
			return nil, &Fallback{Reason: "the read policy filters " + t.Name}
		}
		if err != nil {
			return nil, err
		}
	}
	rows, err := c.client.QueryContext(ctx, st.SQL, st.Args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []byte
	if rows.Next() {
		if err := rows.Scan(&out); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, ErrNoRow
	}
	out, err = cursors(out)
	if err != nil {
		return nil, err
	}
	return gqlgenEscapes(out), nil
}

// builder writes one statement, left to right, so that its arguments
// follow the order of their placeholders.
type builder struct {
	ctx      context.Context
	oc       *graphql.OperationContext
	d        *sqlDialect
	sb       strings.Builder
	args     []any
	aliases  int
	policies map[*Type]bool
	// probing is true while the rows of a page read in the order of
	// their ids are written (search.Probing).
	probing bool
	// joins, when not nil, collects the joins of the row being written:
	// its edges to one node, read by LEFT JOIN rather than a subquery
	// per row (which PostgreSQL runs as a plan of its own each time).
	joins *[]string
	// perRequest is true when a where filter holds a predicate made for
	// this request (Type.Where): the statement is not kept.
	perRequest bool
}

func (b *builder) write(s ...string) {
	for _, s := range s {
		b.sb.WriteString(s)
	}
}

// key writes the key of the i-th member of a JSON object, the comma before
// it included, between concatenations.
func (b *builder) key(i int, alias string) {
	k := strconv.Quote(alias) + ":"
	if i > 0 {
		k = "," + k
	}
	b.write(" || ")
	b.literal(k)
	b.write(" || ")
}

// literal writes s as an SQL string literal.
func (b *builder) literal(s string) {
	b.sb.WriteByte('\'')
	b.sb.WriteString(strings.ReplaceAll(s, "'", "''"))
	b.sb.WriteByte('\'')
}

// row runs write, which writes the JSON of a row, and returns the joins
// its edges to one node need in the row's FROM.
func (b *builder) row(write func() error) ([]string, error) {
	saved := b.joins
	joins := []string{}
	b.joins = &joins
	err := write()
	b.joins = saved
	return joins, err
}

// arg writes a placeholder for v.
func (b *builder) arg(v any) string {
	b.args = append(b.args, v)
	return b.d.placeholder(len(b.args))
}

func (b *builder) alias() string {
	b.aliases++
	return "t" + strconv.Itoa(b.aliases)
}

// predicate writes an ent predicate built on a selector over table AS
// alias, with its arguments.
func (b *builder) predicate(table, alias string, preds ...func(*sql.Selector)) {
	s := sql.Dialect(b.d.name).Select().From(sql.Table(table).As(alias))
	if b.probing {
		s.WithContext(search.Probing(b.ctx))
	}
	for _, p := range preds {
		p(s)
	}
	b.sqlPredicate(s.P())
}

// parent is the row a nested connection or edge hangs from.
type parent struct {
	alias string
	edge  *Edge
	// lazy is true when the resolvers would not load the connection
	// with its parents (entgql collects the fields under edges { node }
	// by their aliases), but page it as at the root.
	lazy bool
}

// windowed reports whether the resolvers page a connection under p in
// entgql's window per parent, as they do the nested connections they load
// with their parents; at the root, for many-to-many connections (which
// have resolvers of their own) and lazily loaded ones they page as at the
// root. The two differ in their page info and in where a count order puts
// NULLs.
func (p *parent) windowed() bool {
	return p != nil && !p.lazy && p.edge.Rel != sqlgraph.M2M
}

// source writes the FROM and the WHERE of the rows of typ, alias a: all of
// them for a root field, else those linked to the parent. It returns the
// expression of the rows' id to order by: through a join table, the join
// table's column, whose index gives the rows in order (ordered by the
// joined table's id, SQLite would build every row's JSON to sort them).
func (b *builder) source(typ *Type, a string, p *parent, joins []string, where func(*sql.Selector), extra []func(*sql.Selector)) (id string) {
	id = a + ".id"
	var join string
	if p != nil && p.edge.Rel == sqlgraph.M2M {
		from, to := p.edge.Columns[0], p.edge.Columns[1]
		if p.edge.Inverse {
			from, to = to, from
		}
		j := a + "j"
		b.write(" FROM ", b.d.ident(p.edge.Table), " AS ", j, " JOIN ", b.d.ident(typ.Table), " AS ", a,
			" ON ", a, ".", b.d.ident(typ.Fields["id"].Column), " = ", j, ".", b.d.ident(to))
		join = j + "." + b.d.ident(from) + " = " + p.alias + ".id"
		id = j + "." + b.d.ident(to)
	} else {
		b.write(" FROM ", b.d.ident(typ.Table), " AS ", a)
	}
	for _, j := range joins {
		b.write(" ", j)
	}
	b.write(" WHERE 1=1")
	if p != nil {
		b.write(" AND ")
		switch e := p.edge; {
		case e.Rel == sqlgraph.M2M:
			b.write(join)
		case e.Rel == sqlgraph.M2O || (e.Rel == sqlgraph.O2O && e.Inverse):
			b.write(a, ".id = ", p.alias, ".", b.d.ident(e.Columns[0]))
		default:
			b.write(a, ".", b.d.ident(e.Columns[0]), " = ", p.alias, ".id")
		}
	}
	if where != nil {
		b.write(" AND ")
		b.predicate(typ.Table, a, where)
	}
	if len(extra) > 0 {
		b.write(" AND ")
		b.predicate(typ.Table, a, extra...)
	}
	return id
}

// orderExpr is the i-th order's expression for the row a of typ: its
// column, or the number of the edge's rows it counts. ent counts by a LEFT
// JOIN, so a row without any has NULL: entgql's cursor holds no value for
// it. ent orders such NULLs first, as the smallest, on both databases when
// it pages at the root; entgql's window for nested pages (nullsAsStored)
// leaves them where the database puts NULLs: last on PostgreSQL.
func (b *builder) orderExpr(typ *Type, a string, i int, f *Field, nullsAsStored bool) string {
	if f.Via != "" {
		return viaAlias(a, i) + "." + b.d.ident(f.Column)
	}
	if f.CountOf == "" {
		return a + "." + b.d.ident(f.Column)
	}
	count := b.countExpr(typ, a, i, f)
	if nullsAsStored {
		return "nullif(" + count + ", 0)"
	}
	return count
}

// viaAlias is the alias of the node the i-th order of the rows a reads a
// column of (Field.Via), joined by orderJoins.
func viaAlias(a string, i int) string { return a + "o" + strconv.Itoa(i) }

// orderJoins join to the rows a of typ the nodes the page's orders read a
// column of (PLAN_NAME: the goal's plan), as ent orders by them: a row
// whose edge leads nowhere has NULL. Ordered by the joined column itself,
// both databases sort by its collation.
func (b *builder) orderJoins(typ *Type, a string, pg *page) ([]string, error) {
	var joins []string
	for i, o := range pg.order {
		if o.field.Via == "" {
			continue
		}
		t, e := viaAlias(a, i), typ.Edges[o.field.Via]
		on, ok := "", e != nil && e.Unique
		if ok {
			on, ok = b.joinOn(t, a, e)
		}
		if !ok {
			return nil, fallback("%s's order by %s's %s", typ.Name, o.field.Via, o.field.Column)
		}
		joins = append(joins, "LEFT JOIN "+b.d.ident(types[e.Target].Table)+" AS "+t+" ON "+on)
	}
	return joins, nil
}

// countExpr is the number of rows of the edge f counts, for the row a.
func (b *builder) countExpr(typ *Type, a string, i int, f *Field) string {
	e := typ.Edges[f.CountOf]
	x := a + "c" + strconv.Itoa(i)
	switch e.Rel {
	case sqlgraph.M2M:
		from := e.Columns[0]
		if e.Inverse {
			from = e.Columns[1]
		}
		return "(SELECT count(*) FROM " + b.d.ident(e.Table) + " AS " + x + " WHERE " + x + "." + b.d.ident(from) + " = " + a + ".id)"
	default:
		return "(SELECT count(*) FROM " + b.d.ident(e.Table) + " AS " + x + " WHERE " + x + "." + b.d.ident(e.Columns[0]) + " = " + a + ".id)"
	}
}

// joinOn is the condition that joins the node t an edge to one node leads
// to, to the row a; false for an edge through a join table.
func (b *builder) joinOn(t, a string, e *Edge) (string, bool) {
	switch {
	case e.Rel == sqlgraph.M2O || (e.Rel == sqlgraph.O2O && e.Inverse):
		return t + ".id = " + a + "." + b.d.ident(e.Columns[0]), true
	case e.Rel == sqlgraph.O2M || e.Rel == sqlgraph.O2O:
		return t + "." + b.d.ident(e.Columns[0]) + " = " + a + ".id", true
	}
	return "", false
}

// page is a connection's arguments, decoded.
type page struct {
	first, last   *int
	after, before *entgql.Cursor[int]
	order         []order
	where         func(*sql.Selector)
	// count, when not nil, counts the rows where matches from the search
	// index alone: where is one search of an indexed column.
	count func(*sql.Builder)
}

// size is the page size asked for: first or last.
func (pg *page) size() int {
	if pg.first != nil {
		return *pg.first
	}
	return *pg.last
}

type order struct {
	field *Field
	desc  bool
}

func (b *builder) pageArgs(typ *Type, field graphql.CollectedField) (*page, error) {
	args := field.ArgumentMap(b.oc.Variables)
	var p page
	for _, k := range []string{"first", "last"} {
		v := args[k]
		if v == nil {
			continue
		}
		n, err := graphql.UnmarshalInt(v)
		if err != nil || n < 0 {
			return nil, fallback("%s: %s is not a page size", field.Alias, k)
		}
		if k == "first" {
			p.first = &n
		} else {
			p.last = &n
		}
	}
	if (p.first == nil) == (p.last == nil) {
		return nil, fallback("%s: needs one of first and last", field.Alias)
	}
	for _, k := range []string{"after", "before"} {
		v := args[k]
		if v == nil {
			continue
		}
		c := new(entgql.Cursor[int])
		if err := c.UnmarshalGQL(v); err != nil {
			return nil, fallback("%s: %s is not a cursor", field.Alias, k)
		}
		if k == "after" {
			p.after = c
		} else {
			p.before = c
		}
	}
	if v := args["orderBy"]; v != nil {
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		for i, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fallback("%s: orderBy is not a list of objects", field.Alias)
			}
			name, _ := m["field"].(string)
			f, ok := typ.Orders[name]
			if !ok {
				return nil, fallback("%s: order field %q is not a column", field.Alias, name)
			}
			dir, _ := m["direction"].(string)
			switch dir {
			case "", "ASC", "DESC":
			default:
				return nil, fallback("%s: order direction %q", field.Alias, dir)
			}
			if i > 0 && p.order[i-1].field == f {
				return nil, fallback("%s: the same order field twice", field.Alias)
			}
			p.order = append(p.order, order{field: f, desc: dir == "DESC"})
		}
	}
	if v, ok := args["where"]; ok && v != nil {
		w, perRequest, err := typ.Where(b.ctx, v)
		if err != nil {
			return nil, fallback("%s: where: %v", field.Alias, err)
		}
		p.where = w
		b.perRequest = b.perRequest || perRequest
		p.count = b.searchCount(typ, v)
	}
	return &p, nil
}

// searchCount counts, from the search index, the rows a where argument
// matches when it is one search of an indexed column and nothing else
// (search.Index.Count); nil otherwise.
func (b *builder) searchCount(typ *Type, raw any) func(*sql.Builder) {
	m, ok := raw.(map[string]any)
	if !ok || len(m) != 1 {
		return nil
	}
	for k, v := range m {
		name, isSearch := strings.CutSuffix(k, "ContainsFold")
		text, isText := v.(string)
		f := typ.Fields[name]
		if !isSearch || !isText || f == nil {
			return nil
		}
		i, ok := search.Find(typ.Table, f.Column)
		if !ok {
			return nil
		}
		count, _ := i.Count(b.ctx, b.d.name, text)
		return count
	}
	return nil
}

// connection writes the JSON of a connection of typ, at the root (p nil)
// or under a parent row.
func (b *builder) connection(typ *Type, p *parent, field graphql.CollectedField) error {
	b.policies[typ] = true
	pg, err := b.pageArgs(typ, field)
	if err != nil {
		return err
	}
	fields := graphql.CollectFields(b.oc, field.Selections, []string{typ.Name + "Connection"})
	var edges, pageInfo *graphql.CollectedField
	for i, f := range fields {
		switch f.Name {
		case "edges", "pageInfo", "totalCount":
			// entgql tells what was asked for by alias: keep its answer
			// where alias and name differ to the resolvers.
			if f.Alias != f.Name {
				return fallback("%s: %s under the alias %s", field.Alias, f.Name, f.Alias)
			}
			switch f.Name {
			case "edges":
				edges = &fields[i]
			case "pageInfo":
				pageInfo = &fields[i]
			}
		case "__typename":
		default:
			return fallback("%s: unknown connection field %s", field.Alias, f.Name)
		}
	}
	n := pg.size()
	// The page is read when its edges are asked for, and also when only
	// its pageInfo is: it tells of the page read (as the resolvers do,
	// with the workaround for entgql in graph/entgqlview.go).
	paged := (edges != nil || pageInfo != nil) && n > 0
	var edgeFields []graphql.CollectedField
	wantCursor := false
	if paged && edges != nil {
		edgeFields = graphql.CollectFields(b.oc, edges.Selections, []string{typ.Name + "Edge"})
		for _, f := range edgeFields {
			switch f.Name {
			case "cursor":
				wantCursor = true
			case "node", "__typename":
			default:
				return fallback("%s: unknown edge field %s", field.Alias, f.Name)
			}
		}
	}
	if pageInfo != nil {
		for _, f := range graphql.CollectFields(b.oc, pageInfo.Selections, []string{"PageInfo"}) {
			switch f.Name {
			case "startCursor", "endCursor":
				wantCursor = true
			case "hasNextPage", "hasPreviousPage", "__typename":
			default:
				return fallback("%s: unknown page info field %s", field.Alias, f.Name)
			}
		}
	}
	// The page's aggregate P: edges, the rows read (one more than the page
	// when there is a next one), and the first and last row's cursors.
	needCount := pageInfo != nil
	b.write("(SELECT '{'")
	for i, f := range fields {
		b.key(i, f.Alias)
		switch f.Name {
		case "__typename":
			b.literal(strconv.Quote(typ.Name + "Connection"))
		case "totalCount":
			b.total(typ, p, pg)
		case "edges":
			if paged {
				b.write("'[' || coalesce(P.edges, '') || ']'")
			} else {
				b.write("'[]'")
			}
		case "pageInfo":
			b.pageInfo(typ, p, pg, paged, f)
		}
	}
	b.write(" || '}'")
	if !paged {
		b.write(")")
		return nil
	}
	b.write(" FROM (SELECT ")
	reverse := pg.last != nil
	// With nothing asked of the page but its edges, the page is read with
	// LIMIT n and concatenated in the order it is read; otherwise one row
	// more tells whether there is a next page, and row numbers (in the
	// order read) pick the page's rows and its first and last cursors.
	simple := !needCount && !wantCursor && !reverse
	if simple {
		b.write(b.d.aggregate("e", "", ""), " AS edges FROM (SELECT ")
	} else {
		dir := ""
		if reverse {
			dir = " DESC"
		}
		ns := strconv.Itoa(n)
		b.write(b.d.aggregate("e", "rn"+dir, "rn <= "+ns), " AS edges, ",
			"coalesce(max(cnt), 0) AS cnt, max(CASE WHEN rn = 1 THEN c END) AS c1, ",
			"max(CASE WHEN rn = ", b.d.least("cnt", ns), " THEN c END) AS cn ",
			"FROM (SELECT e, c, row_number() OVER () AS rn, count(*) OVER () AS cnt FROM (SELECT ")
	}
	a := b.alias()
	cursor := b.cursorExpr(typ, a, pg)
	var joins []string
	if edges != nil {
		joins, err = b.row(func() error { return b.edge(typ, a, cursor, p != nil && p.lazy, edgeFields) })
		if err != nil {
			return err
		}
	} else {
		b.write("NULL") // no edges asked for: the page's rows only count
	}
	b.write(" AS e")
	if !simple {
		b.write(", ")
		if wantCursor {
			b.write(cursor)
		} else {
			b.write("NULL")
		}
		b.write(" AS c")
	}
	orderJoins, err := b.orderJoins(typ, a, pg)
	if err != nil {
		return err
	}
	joins = append(joins, orderJoins...)
	var cursors []func(*sql.Selector)
	if needsOwnKeyset(pg) {
		cursors, err = b.keysets(typ, a, pg, p.windowed())
	} else {
		cursors, err = entgql.MultiCursorsPredicate(pg.after, pg.before, cursorOptions(pg))
	}
	if err != nil {
		return fallback("%s: cursors: %v", field.Alias, err)
	}
	// Read in the order of their ids, the page's rows are searched one
	// by one (search.Probing).
	b.probing = len(pg.order) == 0 || pg.order[0].field.Kind == KindID && pg.order[0].field.Column == "id"
	id := b.source(typ, a, p, joins, pg.where, cursors)
	b.probing = false
	// entgql orders by the order fields, then by id unless one of them
	// is the id.
	terms := make([]string, 0, len(pg.order)+1)
	for i, o := range pg.order {
		desc := o.desc != reverse
		term := b.orderExpr(typ, a, i, o.field, p.windowed()) + direction(desc)
		if o.field.Via != "" && b.d.name == dialect.Postgres {
			// ent orders by another node's field with NULLs as the
			// smallest, as SQLite sorts them (sqlgraph.OrderByNeighborTerms).
			if desc {
				term += " NULLS LAST"
			} else {
				term += " NULLS FIRST"
			}
		}
		terms = append(terms, term)
	}
	if !orderedByID(pg) {
		terms = append(terms, id+direction(reverse))
	}
	b.write(" ORDER BY ", strings.Join(terms, ", "))
	limit := n
	if !simple {
		limit = n + 1
	}
	b.write(" LIMIT ", strconv.Itoa(limit), ") AS R")
	if !simple {
		b.write(") AS N")
	}
	b.write(") AS P)")
	return nil
}

func direction(desc bool) string {
	if desc {
		return " DESC"
	}
	return " ASC"
}

func orderedByID(pg *page) bool {
	for _, o := range pg.order {
		if o.field.Kind == KindID && o.field.Column == "id" {
			return true
		}
	}
	return false
}

// cursorOptions are entgql's options for the page's cursors, as its
// pagers give them.
func cursorOptions(pg *page) *entgql.MultiCursorsOptions {
	reverse := pg.last != nil
	opts := &entgql.MultiCursorsOptions{FieldID: "id", DirectionID: entgql.OrderDirectionAsc}
	if reverse {
		opts.DirectionID = entgql.OrderDirectionDesc
	}
	for _, o := range pg.order {
		opts.Fields = append(opts.Fields, o.field.Column)
		d := entgql.OrderDirectionAsc
		if o.desc != reverse {
			d = entgql.OrderDirectionDesc
		}
		opts.Directions = append(opts.Directions, d)
	}
	return opts
}

// total writes the number of rows the connection's filter matches.
func (b *builder) total(typ *Type, p *parent, pg *page) {
	if p == nil && pg.count != nil {
		b.sqlPredicate(sql.P(pg.count))
		return
	}
	b.write("(SELECT count(*)")
	b.source(typ, b.alias(), p, nil, pg.where, nil)
	b.write(")")
}

// pageInfo writes the connection's page info as entgql's pagers build it.
func (b *builder) pageInfo(typ *Type, p *parent, pg *page, paged bool, field graphql.CollectedField) {
	b.write("'{'")
	for i, f := range graphql.CollectFields(b.oc, field.Selections, []string{"PageInfo"}) {
		b.key(i, f.Alias)
		switch f.Name {
		case "__typename":
			b.literal(`"PageInfo"`)
		case "hasNextPage", "hasPreviousPage":
			next := f.Name == "hasNextPage"
			// forward: whether this direction is the one paged in.
			forward := (pg.first != nil) == next
			switch {
			case !paged && p.windowed():
				// entgql builds a nested page it did not read from no
				// nodes: only the cursors given say there is more. (The
				// resolvers page many-to-many connections, and those they
				// do not load with their parents, as at the root.)
				if (next && pg.before != nil) || (!next && pg.after != nil) {
					b.literal("true")
				} else {
					b.literal("false")
				}
			case !paged:
				if !forward {
					b.literal("false")
					continue
				}
				b.write("CASE WHEN ")
				b.total(typ, p, pg)
				b.write(" > 0 THEN 'true' ELSE 'false' END")
			case next && pg.before != nil, !next && pg.after != nil:
				b.literal("true")
			case forward:
				b.write("CASE WHEN P.cnt > ", strconv.Itoa(pg.size()), " THEN 'true' ELSE 'false' END")
			default:
				b.literal("false")
			}
		case "startCursor", "endCursor":
			if !paged {
				b.literal("null")
				continue
			}
			col := "P.c1"
			if (f.Name == "endCursor") == (pg.last == nil) {
				col = "P.cn"
			}
			b.write("coalesce(", col, ", 'null')")
		}
	}
	b.write(" || '}'")
}

// cursorExpr is the expression of the cursor of row a, quotes included: a marker that Run
// turns into entgql's cursor (see cursors), as the text between two
// characters U+0001, which no JSON the statement writes holds otherwise
// (strings escape their control characters).
func (b *builder) cursorExpr(typ *Type, a string, pg *page) string {
	var sb strings.Builder
	sb.WriteString(b.d.char + "(1) || " + b.d.jsonArray + "(" + a + ".id, '")
	for _, o := range pg.order {
		sb.WriteByte(cursorKind(o.field))
	}
	sb.WriteString("'")
	for i, o := range pg.order {
		c := b.orderExpr(typ, a, i, o.field, true)
		switch o.field.Kind {
		case KindTime:
			c = b.d.cursorTime(c)
		case KindString, KindEnum:
			// entgql takes the value from the node: an optional column
			// that is not nillable reads NULL as "" (a plan without a
			// county code).
			if o.field.CountOf == "" && !o.field.Nillable {
				c = "coalesce(" + c + ", '')"
			}
		case KindInt:
			if o.field.CountOf == "" && !o.field.Nillable {
				c = "coalesce(" + c + ", 0)"
			}
		}
		sb.WriteString(", " + c)
	}
	sb.WriteString(") || " + b.d.char + "(1)")
	return sb.String()
}

// edge writes the JSON of one edge of a page.
func (b *builder) edge(typ *Type, a, cursor string, lazy bool, fields []graphql.CollectedField) error {
	nodes := 0
	for _, f := range fields {
		if f.Name == "node" {
			nodes++
		}
	}
	if nodes > 1 {
		return fallback("%sEdge.node under two aliases", typ.Name)
	}
	b.write("'{'")
	for i, f := range fields {
		b.key(i, f.Alias)
		switch f.Name {
		case "__typename":
			b.literal(strconv.Quote(typ.Name + "Edge"))
		case "cursor":
			b.write(cursor)
		case "node":
			if err := b.node(typ, a, lazy || f.Alias != "node", f.Selections); err != nil {
				return err
			}
		}
	}
	b.write(" || '}'")
	return nil
}

// resolverDefects refuses, for the resolvers to answer, the selections that
// entgql's field collection gets wrong, or got wrong before the workaround
// in graph/entgqlview.go, so that the compiled answer stays the resolvers'
// answer byte for byte (README, "Noticed"): it picks the columns and edges
// to load by a field's alias, so an edge or node asked under two aliases
// loaded only what one of them asks for (the view now gives the resolvers
// both; the compiled reads leave them to the resolvers still), and a fragment
// on another type inside one on an interface adds to what is loaded.
func (b *builder) resolverDefects(typ *Type, set ast.SelectionSet, fields []graphql.CollectedField) error {
	aliases := map[string]string{}
	for _, f := range fields {
		if _, edge := typ.Edges[f.Name]; !edge && f.Name != "node" {
			continue
		}
		if other, ok := aliases[f.Name]; ok && other != f.Alias {
			return fallback("%s.%s under two aliases", typ.Name, f.Name)
		}
		aliases[f.Name] = f.Alias
	}
	// A fragment on another type beside the type's own is skipped, as
	// it should be; inside a fragment on an interface, entgql loads it.
	var walk func(ast.SelectionSet, bool, map[string]bool) error
	walk = func(set ast.SelectionSet, inInterface bool, seen map[string]bool) error {
		for _, sel := range set {
			var cond string
			var inner ast.SelectionSet
			switch sel := sel.(type) {
			case *ast.InlineFragment:
				cond, inner = sel.TypeCondition, sel.SelectionSet
			case *ast.FragmentSpread:
				if seen[sel.Name] || sel.Definition == nil {
					continue
				}
				seen[sel.Name] = true
				cond, inner = sel.Definition.TypeCondition, sel.Definition.SelectionSet
			default:
				continue
			}
			switch {
			case cond == "" || cond == typ.Name:
				if err := walk(inner, inInterface, seen); err != nil {
					return err
				}
			case cond == "Node":
				if err := walk(inner, true, seen); err != nil {
					return err
				}
			case inInterface:
				return fallback("a fragment on %s in one on an interface, inside %s", cond, typ.Name)
			}
		}
		return nil
	}
	return walk(set, false, map[string]bool{})
}

// node writes the JSON object of the row a of typ.
func (b *builder) node(typ *Type, a string, lazy bool, set ast.SelectionSet) error {
	fields := graphql.CollectFields(b.oc, set, []string{typ.Name, "Node"})
	if err := b.resolverDefects(typ, set, fields); err != nil {
		return err
	}
	b.write("'{'")
	for i, f := range fields {
		b.key(i, f.Alias)
		if f.Name == "__typename" {
			b.literal(strconv.Quote(typ.Name))
			continue
		}
		if col, ok := typ.Fields[f.Name]; ok {
			if err := b.value(a, col, f); err != nil {
				return err
			}
			continue
		}
		if ok, err := b.reportField(typ, a, f); ok || err != nil {
			if err != nil {
				return err
			}
			continue
		}
		if expr, ok := computed[typ.Name+"."+f.Name]; ok && len(f.Arguments) == 0 {
			b.write(expr(b, a))
			continue
		}
		e, ok := typ.Edges[f.Name]
		if !ok {
			return fallback("%s.%s is not a column, an edge or a report of the ent schema", typ.Name, f.Name)
		}
		target := types[e.Target]
		if !e.Unique {
			if err := b.connection(target, &parent{alias: a, edge: e, lazy: lazy}, f); err != nil {
				return err
			}
			continue
		}
		b.policies[target] = true
		t := b.alias()
		if on, ok := b.joinOn(t, a, e); ok {
			*b.joins = append(*b.joins, "LEFT JOIN "+b.d.ident(target.Table)+" AS "+t+" ON "+on)
			b.write("CASE WHEN ", t, ".id IS NULL THEN 'null' ELSE ")
			if err := b.node(target, t, lazy, f.Selections); err != nil {
				return err
			}
			b.write(" END")
			continue
		}
		nullable := f.Definition == nil || f.Definition.Type == nil || !f.Definition.Type.NonNull
		if nullable {
			b.write("coalesce(")
		}
		b.write("(SELECT ")
		joins, err := b.row(func() error { return b.node(target, t, lazy, f.Selections) })
		if err != nil {
			return err
		}
		b.source(target, t, &parent{alias: a, edge: e}, joins, nil, nil)
		b.write(")")
		if nullable {
			b.write(", 'null')")
		}
	}
	b.write(" || '}'")
	return nil
}

// localIsUTC is whether the server's local time is UTC all year.
var localIsUTC = func() bool {
	for _, m := range []time.Month{time.January, time.July} {
		if _, off := time.Date(2025, m, 1, 0, 0, 0, 0, time.Local).Zone(); off != 0 {
			return false
		}
	}
	return true
}()

// value writes a column's value as gqlgen writes it.
func (b *builder) value(a string, col *Field, f graphql.CollectedField) error {
	if len(f.Arguments) > 0 {
		return fallback("field %s takes arguments", f.Name)
	}
	c := a + "." + b.d.ident(col.Column)
	// orNull writes the value of a nillable column, null for NULL, and
	// the Go zero value of an optional one that is not nillable.
	orNull := func(expr, zero string) {
		if col.Nillable {
			zero = "'null'"
		}
		b.write("coalesce(", expr, ", ", zero, ")")
	}
	kind := col.Kind
	if kind == KindInt && f.Definition != nil && f.Definition.Type.Name() == "ID" {
		kind = KindID // an integer column the graph gives as an ID (objectID)
	}
	switch kind {
	case KindID:
		orNull("'\"' || "+c+" || '\"'", "'\"0\"'")
	case KindString:
		orNull(b.d.jsonString(c), `'""'`)
	case KindEnum:
		orNull("'\"' || "+c+" || '\"'", `'""'`)
	case KindInt:
		orNull(b.d.text(c), "'0'")
	case KindBool:
		orNull("CASE WHEN "+c+" THEN 'true' WHEN NOT "+c+" THEN 'false' END", "'false'")
	case KindTime:
		if b.d.localTimes && !localIsUTC {
			// pgx reads times in the server's local time zone, which
			// the statement does not know.
			return fallback("field %s: a time on PostgreSQL, on a server whose local time is not UTC", f.Name)
		}
		orNull(b.d.time(c), `'"0001-01-01T00:00:00Z"'`)
	case KindStrings:
		b.write("CASE WHEN ", c, " IS NULL THEN 'null' ELSE ", b.d.strings(c), " END")
	default:
		return fallback("field %s: no JSON for its kind", f.Name)
	}
	return nil
}
