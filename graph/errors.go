package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/compile"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/storage"
)

// This file is the one place where an error gets the code a client sees
// and the HTTP status of its answer: every error a resolver returns passes
// through presentError, every panic through recoverPanic, every refusal
// before a request runs is made by refusal, an error of another endpoint
// gets its code from ErrorFor, and every answer that refuses a request as
// a whole gets its status from statuses, written by WriteError or, for the
// GraphQL endpoint's own answers, by answerErrors.

// statuses is the HTTP status of an answer that refuses a request as a
// whole with the code: an error of another endpoint than GraphQL (a CSV
// download, an open data file, a token refused before the request ran), a
// GraphQL request refused before it ran (gqlgen answers those with the
// codes that map to 422 here as it answers a query that does not
// validate), or a GraphQL answer with an error that says when to try again
// (see samverkan.Request.Refuse). A GraphQL request that ran is answered
// 200 whatever its errors, as GraphQL over HTTP has it.
var statuses = map[samverkan.Code]int{
	samverkan.CodeBadRequest:      http.StatusBadRequest,
	samverkan.CodeValidation:      http.StatusBadRequest,
	samverkan.CodeNotFound:        http.StatusNotFound,
	samverkan.CodeConstraint:      http.StatusConflict,
	samverkan.CodeConflict:        http.StatusConflict,
	samverkan.CodePageSize:        http.StatusUnprocessableEntity,
	samverkan.CodeTimeout:         http.StatusServiceUnavailable,
	samverkan.CodeUnavailable:     http.StatusServiceUnavailable,
	samverkan.CodeBodyTooLarge:    http.StatusRequestEntityTooLarge,
	samverkan.CodeInternal:        http.StatusInternalServerError,
	samverkan.CodeUpstream:        http.StatusBadGateway,
	samverkan.CodeUnauthenticated: http.StatusUnauthorized,
	samverkan.CodeForbidden:       http.StatusForbidden,
	samverkan.CodeQueryTooCostly:  http.StatusUnprocessableEntity,
	samverkan.CodeQueryTooDeep:    http.StatusUnprocessableEntity,
	samverkan.CodeQueryTooLarge:   http.StatusUnprocessableEntity,
	samverkan.CodeRateLimited:     http.StatusTooManyRequests,
}

// statusOf is the HTTP status of an answer that refuses a request as a whole
// with e (see statuses). A RATE_LIMITED error that gives no wait (a
// request of more changes than the burst, which no wait lets through) is
// the request's own fault: 422, as a query too large.
func statusOf(e *samverkan.Error) int {
	if e.Code == samverkan.CodeRateLimited && e.RetryAfter == 0 {
		return http.StatusUnprocessableEntity
	}
	if status, ok := statuses[e.Code]; ok {
		return status
	}
	return http.StatusInternalServerError
}

func init() {
	// gqlgen's transports answer a request refused before it ran with 422
	// when its error's code is registered as a fault of the request, and
	// with 200 otherwise.
	for code := range statuses {
		if statusOf(&samverkan.Error{Code: code}) == http.StatusUnprocessableEntity {
			errcode.RegisterErrorType(string(code), errcode.KindProtocol)
		}
	}
}

// Body is the form of an error answer's body.
type Body int

const (
	// JSON is a GraphQL response that carries the error alone, as the
	// API's clients read it.
	JSON Body = iota
	// Text is the error's message in plain text, for what people open in
	// a browser: the CSV downloads, the open data files, the calendar
	// feeds.
	Text
)

// WriteError answers r with e, refusing the request as a whole: the status
// is e's (statusOf), with a Retry-After header when e says when to try again
// and WWW-Authenticate when it asks for a sign-in; the body is in the form
// given. The request records e, for the log and the metrics.
func WriteError(w http.ResponseWriter, r *http.Request, e *samverkan.Error, body Body) {
	record(r.Context(), e, false)
	refusalHeaders(w.Header(), e)
	if body == Text {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(statusOf(e))
		_, _ = fmt.Fprintln(w, e.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(statusOf(e))
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": e.Error(), "extensions": extensions(e)}},
	})
}

// refusalHeaders sets the headers of an answer that e refuses as a whole.
func refusalHeaders(h http.Header, e *samverkan.Error) {
	if e.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if e.Code == samverkan.CodeUnauthenticated {
		h.Set("WWW-Authenticate", `Bearer realm="samverkan"`)
	}
}

// extensions are a GraphQL error's extensions for e: its code, the input
// field it concerns and, when it says, how many seconds to wait.
func extensions(e *samverkan.Error) map[string]any {
	ext := map[string]any{"code": string(e.Code)}
	if e.Field != "" {
		ext["field"] = e.Field
	}
	if e.RetryAfter > 0 {
		ext["retryAfter"] = e.RetryAfter
	}
	return ext
}

// record tells the request of an error its answer carries, and whether the
// database raised it; an error that says when to try again refuses the
// request as a whole.
func record(ctx context.Context, e *samverkan.Error, database bool) {
	r := samverkan.RequestFrom(ctx)
	if r == nil {
		return
	}
	r.Failed(e.Code, database)
	if e.RetryAfter > 0 {
		r.Refuse(e)
	}
}

// ErrorFor is the error a client sees for err: one of the model's (see
// classify) as it is, and a fault of the server, logged in full with the
// attributes given, as INTERNAL with the request id and nothing else.
func ErrorFor(ctx context.Context, log *slog.Logger, err error, attrs ...any) *samverkan.Error {
	if e := classify(err); e != nil {
		return e
	}
	log.ErrorContext(ctx, "request failed", append([]any{"request_id", samverkan.RequestID(ctx), "error", err}, attrs...)...)
	return internalError(ctx)
}

// refusal is the GraphQL error that refuses a request before it runs, at
// pos (nil for none), with the code and the further extensions given (the
// input field at fault, a limit and what the request asked for, a wait).
func refusal(pos *ast.Position, code samverkan.Code, more map[string]any, format string, args ...any) *gqlerror.Error {
	var e *gqlerror.Error
	if pos != nil {
		e = gqlerror.ErrorPosf(pos, format, args...)
	} else {
		e = gqlerror.Errorf(format, args...)
	}
	recodeAs(e, code, more)
	return e
}

// refusalOf is refusal for one of the model's errors, which the error
// presenter then reads as it is (its wait included).
func refusalOf(pos *ast.Position, se *samverkan.Error) *gqlerror.Error {
	e := refusal(pos, se.Code, nil, "%s", se.Error())
	e.Extensions, e.Err = extensions(se), se
	return e
}

// recodeAs gives a GraphQL error the code and the further extensions given,
// in place of any it had (gqlgen's, for an error gqlgen raised).
func recodeAs(e *gqlerror.Error, code samverkan.Code, more map[string]any) {
	e.Extensions = map[string]any{"code": string(code)}
	maps.Copy(e.Extensions, more)
}

// presentError gives an error its extensions.code (and extensions.field when
// one input field is at fault) and a message fit for a client. Errors a
// resolver returned that it does not recognise are faults of the server:
// logged in full, shown as INTERNAL with the request id and nothing else.
// Errors gqlgen raised about the request itself (a query that does not
// parse or validate, an argument of the wrong form) keep their text, and
// the refusals made before a request runs (refusal) their extensions;
// recode gives some of gqlgen's errors codes of their own first.
func presentError(log *slog.Logger, recode func(*gqlerror.Error)) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		e := graphql.DefaultErrorPresenter(ctx, err)
		var re *resolverError
		if !isOurs(err) && (!errors.As(err, &re) || madeForClients(re.err)) {
			recode(e)
			if e.Extensions == nil {
				e.Extensions = map[string]any{}
			}
			if _, ok := e.Extensions["code"]; !ok {
				e.Extensions["code"] = string(samverkan.CodeBadRequest)
			}
			e.Message = requestMessage(err, e.Message)
			code, _ := e.Extensions["code"].(string)
			record(ctx, &samverkan.Error{Code: samverkan.Code(code), Message: e.Message}, false)
			return e
		}
		se := ErrorFor(ctx, log, err, "path", e.Path.String())
		e.Message = se.Error()
		e.Extensions = extensions(se)
		record(ctx, se, se.Code != samverkan.CodeConstraint && isDatabaseError(err))
		return e
	}
}

// requestMessage rewrites the messages about a malformed request that
// gqlgen words in Go's terms (a function, a type, the body echoed back)
// into the client's.
func requestMessage(err error, msg string) string {
	var num *strconv.NumError
	switch {
	case errors.As(err, &num):
		return fmt.Sprintf("%q is not a valid ID (IDs are whole numbers)", num.Num)
	case strings.HasPrefix(msg, "json request body could not be decoded"):
		return `the request body is not a GraphQL request in JSON, such as {"query": "{ plans { totalCount } }", "variables": {}}`
	}
	return msg
}

// isOurs reports whether err carries an error of the model.
func isOurs(err error) bool {
	var se *samverkan.Error
	return errors.As(err, &se) || ent.IsValidationError(err) || ent.IsNotFound(err) || ent.IsConstraintError(err)
}

// madeForClients reports whether a resolver's error was written for the
// client: entgql returns GraphQL errors of its own (a negative page size, an
// id that names nothing) that wrap no other error.
func madeForClients(err error) bool {
	var gqlErr *gqlerror.Error
	return errors.As(err, &gqlErr) && gqlErr.Err == nil
}

// resolverError marks an error that a resolver returned, or the mutation's
// transaction, as opposed to one gqlgen raised about the request before
// any resolver ran.
type resolverError struct{ err error }

func (e *resolverError) Error() string { return e.err.Error() }
func (e *resolverError) Unwrap() error { return e.err }

// markResolverErrors is the field interceptor that marks resolvers' errors.
type markResolverErrors struct{}

var (
	_ graphql.HandlerExtension = markResolverErrors{}
	_ graphql.FieldInterceptor = markResolverErrors{}
)

// ExtensionName names the extension for gqlgen.
func (markResolverErrors) ExtensionName() string { return "MarkResolverErrors" }

// Validate is called once, when the extension is added to a server.
func (markResolverErrors) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptField runs a field's resolver and marks its error.
func (markResolverErrors) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		var re *resolverError
		if !errors.As(err, &re) {
			err = &resolverError{err: err}
		}
	}
	return res, err
}

// classify gives an error of the model, or of the database that a client
// can act on, its code, the input field it concerns and a message; it
// returns nil for a fault of the server.
func classify(err error) *samverkan.Error {
	var (
		se *samverkan.Error
		ve *ent.ValidationError
		nf *ent.NotFoundError
		ce *ent.ConstraintError
	)
	switch {
	case errors.As(err, &se):
		return se
	case errors.As(err, &ve):
		// The validator's own words are innermost, under ent's wrapping.
		reason := "is not valid"
		for inner := errors.Unwrap(ve); inner != nil; inner = errors.Unwrap(inner) {
			reason = inner.Error()
		}
		return &samverkan.Error{Code: samverkan.CodeValidation, Field: samverkan.GraphQLName(ve.Name), Message: reason}
	case errors.As(err, &nf):
		return &samverkan.Error{Code: samverkan.CodeNotFound, Message: strings.TrimPrefix(nf.Error(), "ent: ")}
	case errors.As(err, &ce), brokenAtCommit(err):
		// describeConstraint's message names the field first, as
		// samverkan.Error does.
		field, msg := describeConstraint(err)
		return &samverkan.Error{Code: samverkan.CodeConstraint, Field: field, Message: strings.TrimPrefix(msg, field+": ")}
	case isRetryable(err):
		return &samverkan.Error{Code: samverkan.CodeConflict, Message: "the change met another one made at the same moment and was not made; try it again"}
	case isEmptyFilter(err):
		return &samverkan.Error{Code: samverkan.CodeBadRequest, Field: "where", Message: "a filter is empty ({}); give it at least one condition, or leave it out"}
	case errors.Is(err, context.DeadlineExceeded):
		return &samverkan.Error{Code: samverkan.CodeTimeout, Message: "the request took too long and was stopped"}
	case storage.Fault(err) != "":
		// Logged once by the storage, when the fault began.
		return samverkan.Unavailable(storage.Fault(err))
	}
	return nil
}

// isRetryable reports whether err is PostgreSQL's refusal of a transaction
// that met a concurrent one: a serialization failure or a deadlock. Nothing
// of it was written, and the same change tried again may well succeed, so
// it is the client's CONFLICT rather than a fault of the server.
func isRetryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01") // serialization_failure, deadlock_detected
}

// isDatabaseError reports whether err came from the database itself
// (SQLite or PostgreSQL), for the metrics of database errors.
func isDatabaseError(err error) bool {
	var (
		sqliteErr sqlite3.Error
		pgErr     *pgconn.PgError
	)
	return errors.As(err, &sqliteErr) || errors.As(err, &pgErr)
}

// isEmptyFilter reports whether err is entgql's refusal of an empty where
// input ({} inside and/or/not), which is the client's to mend.
func isEmptyFilter(err error) bool {
	for _, empty := range []error{
		ent.ErrEmptyActivityWhereInput, ent.ErrEmptyFollowUpWhereInput, ent.ErrEmptyGoalWhereInput,
		ent.ErrEmptyInstitutionWhereInput, ent.ErrEmptyMunicipalityWhereInput, ent.ErrEmptyObjectiveWhereInput,
		ent.ErrEmptyPlanWhereInput, ent.ErrEmptyStatusChangeWhereInput, ent.ErrEmptyUserWhereInput,
		ent.ErrEmptyTokenWhereInput, ent.ErrEmptyAuditEntryWhereInput, ent.ErrEmptyIndicatorWhereInput,
		ent.ErrEmptyIndicatorTargetWhereInput, ent.ErrEmptyIndicatorValueWhereInput, ent.ErrEmptyGoalAssessmentWhereInput,
	} {
		if errors.Is(err, empty) {
			return true
		}
	}
	return false
}

// brokenAtCommit reports whether err is PostgreSQL's refusal of a
// constraint at COMMIT, which ent does not wrap: the inserts that wait for
// the commit (the audit entry, the status change: storage/pgpipeline.go)
// meet their constraints there, as when the viewer's user was deleted by
// another process while this server kept the viewer.
func brokenAtCommit(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "23") // integrity_constraint_violation
}

// describeConstraint names the field and says in words which rule a
// database constraint error (an ent.ConstraintError, or brokenAtCommit's)
// broke.
func describeConstraint(ce error) (field, msg string) {
	table, columns, unique := brokenConstraint(ce)
	if !unique {
		if strings.Contains(strings.ToUpper(ce.Error()), "FOREIGN KEY") {
			return "", "the change refers to a record that does not exist"
		}
		return "", "the change breaks a rule of the database"
	}
	if table == "indicator_values" && slices.Contains(columns, "slot") {
		// The slot is the server's (ent/schema/indicatorvalue.go): the
		// client gave the year, period and municipality it holds.
		return "year", "year: this indicator already has a value for the year, period and municipality: change that one instead"
	}
	if table == "follow_up_deadlines" {
		// Three columns (plan_id, year, period), of which SQLite's message
		// names two and PostgreSQL's three: say the same on both.
		return "year", "year: the plan already has a deadline for this year and period: change that one instead"
	}
	if table == "yearly_report_readinesses" {
		// Three columns (plan_id, year, municipality_id), as above.
		return "municipalityID", "municipalityID: the municipality's part of this yearly report is marked ready already"
	}
	if table == "yearly_report_closings" {
		return "year", "year: the plan's yearly report for this year is closed already"
	}
	record := tableRecord(table)
	if len(columns) == 2 {
		if parent, ok := compile.ColumnType(table, columns[0]); ok {
			// A key within a parent (goals: plan_id, number): the
			// client's mistake is in the second column.
			field = samverkan.GraphQLName(columns[1])
			return field, fmt.Sprintf("%s: another %s of the same %s already has this %s",
				field, record, samverkan.RecordName(parent), strings.ReplaceAll(columns[1], "_", " "))
		}
	}
	column := columns[len(columns)-1]
	field = samverkan.GraphQLName(column)
	return field, fmt.Sprintf("%s: another %s already has this %s", field, record, strings.ReplaceAll(column, "_", " "))
}

// tableRecord is what a client calls a record of a table: the RecordName
// of the table's ent type, from the generated facts of package compile.
func tableRecord(table string) string {
	if typ, ok := compile.TableType(table); ok {
		return samverkan.RecordName(typ)
	}
	return "record" // a join table's row: a link between two records
}

// uniqueFailure matches SQLite's message for a broken unique constraint,
// e.g. "UNIQUE constraint failed: goals.plan_id, goals.number".
var uniqueFailure = regexp.MustCompile(`UNIQUE constraint failed: ([a-z_]+)\.([a-z_]+)(?:, [a-z_]+\.([a-z_]+))?`)

// pgKey matches PostgreSQL's detail of a broken unique constraint, e.g.
// "Key (plan_id, number)=(1, 3) already exists.".
var pgKey = regexp.MustCompile(`^Key \(([^)]*)\)=`)

// brokenConstraint reads, from SQLite's message or PostgreSQL's error, the
// table and columns of a broken unique constraint.
func brokenConstraint(ce error) (table string, columns []string, unique bool) {
	var pgErr *pgconn.PgError
	if errors.As(ce, &pgErr) {
		if pgErr.Code != "23505" { // unique_violation
			return "", nil, false
		}
		if m := pgKey.FindStringSubmatch(pgErr.Detail); m != nil {
			for _, c := range strings.Split(m[1], ",") {
				columns = append(columns, strings.TrimSpace(c))
			}
			return pgErr.TableName, columns, true
		}
		return pgErr.TableName, []string{""}, true
	}
	m := uniqueFailure.FindStringSubmatch(ce.Error())
	if m == nil {
		return "", nil, false
	}
	columns = []string{m[2]}
	if m[3] != "" {
		columns = append(columns, m[3])
	}
	return m[1], columns, true
}

// internalError is all a client learns of a fault of the server.
func internalError(ctx context.Context) *samverkan.Error {
	msg := "internal error; the server has logged it"
	if id := samverkan.RequestID(ctx); id != "" {
		msg = "internal error (request " + id + "); the server has logged it"
	}
	return &samverkan.Error{Code: samverkan.CodeInternal, Message: msg}
}

// recoverPanic turns a panic in a resolver into an INTERNAL error and logs
// its value and stack, which never reach the client.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "request_id", samverkan.RequestID(ctx), "panic", v, "stack", string(debug.Stack()))
		return internalError(ctx)
	}
}

// answerErrors writes the GraphQL endpoint's answers, which gqlgen's
// transports write, with the status of statuses. It holds the status back
// until the body comes, by when every error of the answer has been
// presented: an answer with an error that says when to try again (a rate
// limit, a storage fault) gets that error's status and a Retry-After
// header. It holds back an error answer's body too, to give a code to the
// errors gqlgen's transports write themselves, past the error presenter: a
// request no transport takes ("transport not supported", 400), a mutation
// sent by GET (406), GET variables or extensions that are not JSON (400).
// Each such error without extensions.code gets BAD_REQUEST.
func answerErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		aw := &answerWriter{ResponseWriter: w, req: samverkan.RequestFrom(r.Context())}
		next.ServeHTTP(aw, r)
		aw.finish()
	})
}

// answerWriter holds back an answer's status, and an error answer's body,
// for answerErrors.
type answerWriter struct {
	http.ResponseWriter
	req    *samverkan.Request // nil outside the server's middleware
	status int                // as the handler gave it, then as sent
	sent   bool
	body   bytes.Buffer
}

func (w *answerWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *answerWriter) Write(b []byte) (int, error) {
	w.send()
	if w.status < 400 {
		return w.ResponseWriter.Write(b)
	}
	return w.body.Write(b)
}

// FlushError sends the status, and what has been written unless it is
// held back, for the server-sent events of subscriptions.
func (w *answerWriter) FlushError() error {
	w.send()
	if w.status >= 400 {
		return nil
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// send writes the status, once.
func (w *answerWriter) send() {
	if w.sent {
		return
	}
	w.sent = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.req != nil {
		if e := w.req.Refusal(); e != nil {
			w.status = statusOf(e)
			refusalHeaders(w.Header(), e)
		}
	}
	if w.status >= 400 && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.ResponseWriter.WriteHeader(w.status)
}

// finish sends the status if the handler wrote no body, and a held-back
// error answer, its errors given codes.
func (w *answerWriter) finish() {
	if !w.sent && w.status == 0 {
		return // nothing written: net/http answers 200
	}
	w.send()
	if w.status < 400 {
		return
	}
	body := w.body.Bytes()
	var resp struct {
		Errors []map[string]any `json:"errors"`
		Data   json.RawMessage  `json:"data,omitempty"`
	}
	if err := json.Unmarshal(body, &resp); err == nil && len(resp.Errors) > 0 {
		changed := false
		for _, e := range resp.Errors {
			ext, _ := e["extensions"].(map[string]any)
			if _, ok := ext["code"]; ok {
				continue
			}
			if ext == nil {
				ext = map[string]any{}
				e["extensions"] = ext
			}
			ext["code"] = string(samverkan.CodeBadRequest)
			changed = true
		}
		if changed {
			if b, err := json.Marshal(resp); err == nil {
				body = b
			}
		}
	}
	_, _ = w.ResponseWriter.Write(body)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
