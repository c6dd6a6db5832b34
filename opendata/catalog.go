package opendata

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The catalogue is a DCAT-AP-SE document in RDF/XML, the form
// dataportal.se harvests: a dcat:Catalog with its title, description and
// publisher in Swedish, and a dcat:Dataset per published plan with what
// DCAT-AP-SE asks of one (title, description, publisher, contact point)
// and recommends (theme, keywords, period, modified, distributions). Each
// table of the export, and the whole export as JSON, is a
// dcat:Distribution with its licence, access and download address, format
// and media type.

// The vocabularies' addresses.
const (
	nsRDF   = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsDCAT  = "http://www.w3.org/ns/dcat#"
	nsDCT   = "http://purl.org/dc/terms/"
	nsFOAF  = "http://xmlns.com/foaf/0.1/"
	nsVCard = "http://www.w3.org/2006/vcard/ns#"
	nsXSD   = "http://www.w3.org/2001/XMLSchema#"

	// ThemeEducation is the EU data theme "Education, culture and sport",
	// under which the data portal files culture.
	ThemeEducation = "http://publications.europa.eu/resource/authority/data-theme/EDUC"
	themeTaxonomy  = "http://publications.europa.eu/resource/authority/data-theme"
	languageSwe    = "http://publications.europa.eu/resource/authority/language/SWE"
	fileTypeCSV    = "http://publications.europa.eu/resource/authority/file-type/CSV"
	fileTypeJSON   = "http://publications.europa.eu/resource/authority/file-type/JSON"
	mediaTypeCSV   = "https://www.iana.org/assignments/media-types/text/csv"
	mediaTypeJSON  = "https://www.iana.org/assignments/media-types/application/json"
	// regionalAuthority is the ADMS publisher type of a region.
	regionalAuthority = "http://purl.org/adms/publishertype/RegionalAuthority"
)

// CatalogLicense is the licence of the catalogue's own metadata (CC0, as
// the data portal asks of metadata).
const CatalogLicense = "https://creativecommons.org/publicdomain/zero/1.0/"

// Catalog writes the DCAT-AP-SE catalogue of the exports, whose addresses
// start with base (the server's public address, without a trailing
// slash). publisher names the catalogue's publisher: the region.
func Catalog(base, publisher string, exports []*Export) []byte {
	var b bytes.Buffer
	w := &rdfWriter{b: &b}
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, `<rdf:RDF xmlns:rdf="%s" xmlns:dcat="%s" xmlns:dcterms="%s" xmlns:foaf="%s" xmlns:vcard="%s">`+"\n",
		nsRDF, nsDCAT, nsDCT, nsFOAF, nsVCard)
	w.open(1, "dcat:Catalog", base+CatalogPath)
	w.text(2, "dcterms:title", "Samverkan – öppna data om kultursamverkan")
	w.text(2, "dcterms:description", "Regionala handlingsplaner för kultursamverkan mellan region och kommuner: "+
		"utvecklingsmål, insatsområden, aktiviteter, vilka kommuner och aktörer som deltar, och indikatorer med målvärden och utfall.")
	w.agent(2, "dcterms:publisher", publisher)
	w.resource(2, "foaf:homepage", base+"/")
	w.resource(2, "dcterms:language", languageSwe)
	w.resource(2, "dcterms:license", CatalogLicense)
	w.resource(2, "dcat:themeTaxonomy", themeTaxonomy)
	if modified := Newest(exports); !modified.IsZero() {
		w.typed(2, "dcterms:modified", modified.Format(time.RFC3339), "dateTime")
	}
	for _, e := range exports {
		w.dataset(base, e)
	}
	w.close(1, "dcat:Catalog")
	b.WriteString("</rdf:RDF>\n")
	return b.Bytes()
}

// DatasetURI is the address that names a plan's dataset.
func DatasetURI(base string, id int) string {
	return base + Prefix + "plans/" + strconv.Itoa(id)
}

func (w *rdfWriter) dataset(base string, e *Export) {
	p := e.Plan
	w.line(2, "<dcat:dataset>")
	w.open(3, "dcat:Dataset", DatasetURI(base, p.ID))
	w.line(4, "<dcterms:identifier>"+escape(DatasetURI(base, p.ID))+"</dcterms:identifier>")
	w.text(4, "dcterms:title", fmt.Sprintf("%s, %s %d–%d", p.Name, p.Region, p.FirstYear, p.LastYear))
	description := p.Description
	if description == "" {
		description = fmt.Sprintf("%s för %d–%d", p.Name, p.FirstYear, p.LastYear)
	}
	w.text(4, "dcterms:description", description+" Datamängden innehåller planens utvecklingsmål, rubriker "+
		"(insatsområden), aktiviteter, deltagande kommuner och aktörer samt indikatorer med utgångsvärden, målvärden och utfall.")
	w.agent(4, "dcterms:publisher", p.Region)
	w.line(4, "<dcat:contactPoint>")
	w.line(5, "<vcard:Organization>")
	w.text(6, "vcard:fn", p.Region)
	switch {
	case p.DataContact != "":
		w.resource(6, "vcard:hasEmail", "mailto:"+p.DataContact)
	case p.SourceURL != "":
		w.resource(6, "vcard:hasURL", p.SourceURL)
	default:
		w.resource(6, "vcard:hasURL", base+"/")
	}
	w.line(5, "</vcard:Organization>")
	w.line(4, "</dcat:contactPoint>")
	w.resource(4, "dcat:theme", ThemeEducation)
	for _, k := range []string{"kultur", "kultursamverkan", "kulturplan", "handlingsplan", "kommuner"} {
		w.text(4, "dcat:keyword", k)
	}
	w.line(4, "<dcterms:temporal>")
	w.line(5, "<dcterms:PeriodOfTime>")
	w.typed(6, "dcat:startDate", fmt.Sprintf("%04d-01-01", p.FirstYear), "date")
	w.typed(6, "dcat:endDate", fmt.Sprintf("%04d-12-31", p.LastYear), "date")
	w.line(5, "</dcterms:PeriodOfTime>")
	w.line(4, "</dcterms:temporal>")
	w.typed(4, "dcterms:modified", e.Modified.Format(time.RFC3339), "dateTime")
	if p.SourceURL != "" {
		w.resource(4, "dcat:landingPage", p.SourceURL)
	}
	w.distribution(e, "Hela planen (JSON)", "Planen och alla dess tabeller i ett JSON-dokument.",
		base+PlanPath(p.ID), fileTypeJSON, mediaTypeJSON)
	for _, t := range e.Tables {
		w.distribution(e, t.Title+" (CSV)", "Kolumner: "+strings.Join(t.Columns, ", ")+".",
			base+TablePath(p.ID, t.Name, "csv"), fileTypeCSV, mediaTypeCSV)
	}
	w.close(3, "dcat:Dataset")
	w.line(2, "</dcat:dataset>")
}

func (w *rdfWriter) distribution(e *Export, title, description, url, format, mediaType string) {
	w.line(4, "<dcat:distribution>")
	w.open(5, "dcat:Distribution", url)
	w.text(6, "dcterms:title", title)
	w.text(6, "dcterms:description", description)
	w.resource(6, "dcat:accessURL", url)
	w.resource(6, "dcat:downloadURL", url)
	w.resource(6, "dcterms:format", format)
	w.resource(6, "dcat:mediaType", mediaType)
	w.resource(6, "dcterms:license", e.Plan.DataLicense)
	w.typed(6, "dcterms:modified", e.Modified.Format(time.RFC3339), "dateTime")
	w.close(5, "dcat:Distribution")
	w.line(4, "</dcat:distribution>")
}

// rdfWriter writes RDF/XML, indented, with its text escaped.
type rdfWriter struct{ b *bytes.Buffer }

func (w *rdfWriter) line(depth int, s string) {
	w.b.WriteString(strings.Repeat("  ", depth))
	w.b.WriteString(s)
	w.b.WriteByte('\n')
}

func (w *rdfWriter) open(depth int, elem, about string) {
	w.line(depth, "<"+elem+` rdf:about="`+escape(about)+`">`)
}

func (w *rdfWriter) close(depth int, elem string) { w.line(depth, "</"+elem+">") }

// text is a literal in Swedish.
func (w *rdfWriter) text(depth int, elem, s string) {
	w.line(depth, "<"+elem+` xml:lang="sv">`+escape(s)+"</"+elem+">")
}

// typed is a literal of an XML Schema datatype (date, dateTime).
func (w *rdfWriter) typed(depth int, elem, s, datatype string) {
	w.line(depth, "<"+elem+` rdf:datatype="`+nsXSD+datatype+`">`+escape(s)+"</"+elem+">")
}

func (w *rdfWriter) resource(depth int, elem, uri string) {
	w.line(depth, "<"+elem+` rdf:resource="`+escape(uri)+`"/>`)
}

// agent is a publisher: a region.
func (w *rdfWriter) agent(depth int, elem, name string) {
	w.line(depth, "<"+elem+">")
	w.line(depth+1, "<foaf:Agent>")
	w.text(depth+2, "foaf:name", name)
	w.resource(depth+2, "dcterms:type", regionalAuthority)
	w.line(depth+1, "</foaf:Agent>")
	w.line(depth, "</"+elem+">")
}

func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder never fails
	return b.String()
}
