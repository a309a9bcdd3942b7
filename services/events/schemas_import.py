"""Schemas of the import endpoint, and the event representation that carries an import report."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validates_schema

from .schemas import EventSchema


class ImportSchema(Schema):
    text = fields.String(load_default=None, metadata={"description": "the announcement as plain text"})
    html = fields.String(load_default=None, metadata={"description": "a saved web page (schema.org Event data first)"})
    ics = fields.String(load_default=None, metadata={"description": "an iCalendar file"})
    as_of = fields.Date(load_default=None, metadata={
        "description": "the day the announcement was published: a date without a year is read relative to it "
                       "(default: the page's own publication date, else today)"})

    @validates_schema
    def one_source(self, data, **kwargs):
        given = [k for k in ("text", "html", "ics") if data.get(k) is not None]
        if len(given) != 1:
            field = given[1] if len(given) > 1 else "text"
            raise ValidationError({field: ["Send exactly one of text, html or ics."]})


class ImportFieldSchema(Schema):
    value = fields.Raw(allow_none=True)
    snippet = fields.String(allow_none=True)
    confidence = fields.Float()


class ImportedEventSchema(EventSchema):
    import_ = fields.Dict(keys=fields.String(), values=fields.Nested(ImportFieldSchema), data_key="import",
                          metadata={"description": "per field found: the value, its snippet, a confidence 0..1"})
    missing = fields.List(fields.String(), metadata={"description": "fields the announcement did not give"})
