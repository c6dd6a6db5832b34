// Package schema is the one home of Samverkan's rules: the entities and
// their fields (validated with the validators of validate.go), who may read
// and change what (the privacy policies of policy.go), and what every change
// must keep true (the hooks). It is the input of code generation (go
// generate: entc writes ent/ from it); at run time it is reached only
// through the generated ent/runtime, which installs its hooks, policies and
// validators, so no other package imports it (TestOnlyCodegenImportsTheSchema).
//
// # The order of a mutation's hooks
//
// ent runs a type's hooks outermost first, in the order ent/runtime
// registers them:
//
//  1. the privacy policy (PolicyMixin and the type's Policy): a refusal
//     stops the mutation before anything else runs;
//  2. VersionMixin's checkVersion (version.go): an update based on an old
//     version is refused as CONFLICT;
//  3. InputMixin: normalizeText (normalize.go), every string to Unicode NFC,
//     then referencesExist (references.go), every id an edge gets names a
//     record of the right type;
//  4. AuditMixin's recordChange (auditlog.go): the entry of the audit trail,
//     around the hooks below, so that it records what they left;
//  5. the type's own hooks, in the order of its Hooks(): the ranges and
//     periods (periods.go, indicatorhooks.go, yearlyreport.go), derived
//     fields (countycode.go), the accounts' rules (accountrules.go), the
//     status history (statushistory.go), and last skipUnchanged
//     (auditlog.go), which sees the mutation as every other hook has left
//     it.
//
// A type lists only the mixins it needs (see each type's Mixin()); the order
// above is that of those it has.
package schema
