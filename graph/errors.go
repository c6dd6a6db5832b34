package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkan/samverkan"
	"github.com/samverkan/samverkan/ent"
	"github.com/samverkan/samverkan/storage"
)

// This file is the one place where an error gets the code a client sees:
// every error a resolver returns passes through presentError, every panic
// through recoverPanic.

// presentError gives an error its extensions.code (and extensions.field when
// one input field is at fault) and a message fit for a client. Errors a
// resolver returned that it does not recognise are faults of the server:
// logged in full, shown as INTERNAL with the request id and nothing else.
// Errors gqlgen raised about the request itself (a query that does not
// parse or validate, an argument of the wrong form) keep their text.
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		e := graphql.DefaultErrorPresenter(ctx, err)
		var (
			se *samverkan.Error
			re *resolverError
		)
		switch {
		case isOurs(err):
			// Classified below.
		case errors.As(err, &re) && !madeForClients(re.err):
			// Classified below: INTERNAL unless it is a timeout.
		default:
			if e.Extensions == nil {
				e.Extensions = map[string]any{}
			}
			if _, ok := e.Extensions["code"]; !ok {
				e.Extensions["code"] = string(samverkan.CodeBadRequest)
			}
			e.Message = requestMessage(err, e.Message)
			if r := samverkan.RequestFrom(ctx); r != nil {
				code, _ := e.Extensions["code"].(string)
				r.Failed(samverkan.Code(code), false)
			}
			return e
		}
		code, field, msg := classify(err)
		if code == samverkan.CodeInternal && !errors.As(err, &se) { // recoverPanic has logged its own
			log.ErrorContext(ctx, "request failed", "request_id", samverkan.RequestID(ctx), "path", e.Path.String(), "error", err)
			msg = internalMessage(ctx)
		}
		e.Message = msg
		e.Extensions = map[string]any{"code": string(code)}
		if r := samverkan.RequestFrom(ctx); r != nil {
			r.Failed(code, code != samverkan.CodeConstraint && isDatabaseError(err))
		}
		if field != "" {
			e.Extensions["field"] = field
		}
		if errors.As(err, &se) && se.RetryAfter > 0 {
			e.Extensions["retryAfter"] = se.RetryAfter
		}
		if code == samverkan.CodeUnavailable {
			// Logged once by the storage, when the fault began; the HTTP
			// layer answers 503 with Retry-After.
			e.Extensions["retryAfter"] = samverkan.UnavailableRetryAfter
			if r := samverkan.RequestFrom(ctx); r != nil {
				r.Unavailable = true
				r.RetryAfter = samverkan.UnavailableRetryAfter * time.Second
			}
		}
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

// classify maps an error to a code, the input field it concerns and a
// message.
func classify(err error) (code samverkan.Code, field, msg string) {
	var (
		se *samverkan.Error
		ve *ent.ValidationError
		nf *ent.NotFoundError
		ce *ent.ConstraintError
	)
	switch {
	case errors.As(err, &se):
		return se.Code, se.Field, se.Error()
	case errors.As(err, &ve):
		field := samverkan.GraphQLName(ve.Name)
		// The validator's own words are innermost, under ent's wrapping.
		reason := "is not valid"
		for inner := errors.Unwrap(ve); inner != nil; inner = errors.Unwrap(inner) {
			reason = inner.Error()
		}
		return samverkan.CodeValidation, field, field + ": " + reason
	case errors.As(err, &nf):
		return samverkan.CodeNotFound, "", strings.TrimPrefix(nf.Error(), "ent: ")
	case errors.As(err, &ce):
		field, msg := describeConstraint(ce)
		return samverkan.CodeConstraint, field, msg
	case isRetryable(err):
		return samverkan.CodeConflict, "", "the change met another one made at the same moment and was not made; try it again"
	case isEmptyFilter(err):
		return samverkan.CodeBadRequest, "where", "where: a filter is empty ({}); give it at least one condition, or leave it out"
	case errors.Is(err, context.DeadlineExceeded):
		return samverkan.CodeTimeout, "", "the request took too long and was stopped"
	case storage.Fault(err) != "":
		return samverkan.CodeUnavailable, "", samverkan.Unavailable(storage.Fault(err)).Message
	}
	return samverkan.CodeInternal, "", ""
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

// describeConstraint names the field and says in words which rule a
// database constraint error broke.
func describeConstraint(ce *ent.ConstraintError) (field, msg string) {
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
	if len(columns) == 2 {
		if parent, ok := strings.CutSuffix(columns[0], "_id"); ok {
			// A key within a parent (goals: plan_id, number): the
			// client's mistake is in the second column.
			field = samverkan.GraphQLName(columns[1])
			return field, fmt.Sprintf("%s: another %s of the same %s already has this %s",
				field, recordName(table), recordName(parent+"s"), strings.ReplaceAll(columns[1], "_", " "))
		}
	}
	column := columns[len(columns)-1]
	field = samverkan.GraphQLName(column)
	return field, fmt.Sprintf("%s: another %s already has this %s", field, recordName(table), strings.ReplaceAll(column, "_", " "))
}

// uniqueFailure matches SQLite's message for a broken unique constraint,
// e.g. "UNIQUE constraint failed: goals.plan_id, goals.number".
var uniqueFailure = regexp.MustCompile(`UNIQUE constraint failed: ([a-z_]+)\.([a-z_]+)(?:, [a-z_]+\.([a-z_]+))?`)

// pgKey matches PostgreSQL's detail of a broken unique constraint, e.g.
// "Key (plan_id, number)=(1, 3) already exists.".
var pgKey = regexp.MustCompile(`^Key \(([^)]*)\)=`)

// brokenConstraint reads, from SQLite's message or PostgreSQL's error, the
// table and columns of a broken unique constraint.
func brokenConstraint(ce *ent.ConstraintError) (table string, columns []string, unique bool) {
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

// recordName is what a client calls one row of a table.
func recordName(table string) string {
	switch table {
	case "objectives":
		return "heading"
	case "follow_ups":
		return "follow-up"
	case "activities":
		return "activity"
	case "municipalities":
		return "municipality"
	case "indicator_targets":
		return "target"
	case "indicator_values":
		return "value"
	case "goal_assessments":
		return "assessment"
	}
	return strings.TrimSuffix(table, "s")
}

// internalMessage is all a client learns of a fault of the server.
func internalMessage(ctx context.Context) string {
	if id := samverkan.RequestID(ctx); id != "" {
		return "internal error (request " + id + "); the server has logged it"
	}
	return "internal error; the server has logged it"
}

// recoverPanic turns a panic in a resolver into an INTERNAL error and logs
// its value and stack, which never reach the client.
func recoverPanic(log *slog.Logger) graphql.RecoverFunc {
	return func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in resolver", "request_id", samverkan.RequestID(ctx), "panic", v, "stack", string(debug.Stack()))
		return &samverkan.Error{Code: samverkan.CodeInternal, Message: internalMessage(ctx)}
	}
}

// codeBareErrors gives a code to the errors gqlgen's transports write
// themselves, past the error presenter: a request no transport takes
// ("transport not supported", 400), a mutation sent by GET (406), GET
// variables or extensions that are not JSON (400). Each such error without
// extensions.code gets BAD_REQUEST; the status stays as gqlgen chose it.
// Only the bodies of answers with a status of 400 or more are held back to
// be read; the status itself is written at once.
func codeBareErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &codingWriter{ResponseWriter: w}
		next.ServeHTTP(cw, r)
		cw.flush()
	})
}

// codingWriter holds back an error answer's body for codeBareErrors.
type codingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *codingWriter) WriteHeader(status int) {
	if w.status != 0 {
		return
	}
	w.status = status
	if status >= 400 && w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *codingWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.status < 400 {
		return w.ResponseWriter.Write(b)
	}
	return w.body.Write(b)
}

// flush writes a held-back error answer, its errors given codes.
func (w *codingWriter) flush() {
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
func (w *codingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
