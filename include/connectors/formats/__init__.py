"""File formats, rendered by PostgreSQL: each turns an extraction query into one `COPY ... TO STDOUT`.

Python never formats a row: a format wraps the partner's SQL in a projection that renders each row as
the partner's bytes (CSV cells, a JSON object, an XML element, a fixed-width line), and adds at most a
constant prefix and suffix (a document's envelope). The data path then only moves bytes into storage.
"""

from __future__ import annotations

from include.connectors.formats.base import Column, FileFormat, LineChecks
from include.connectors.formats.csv import Csv
from include.connectors.formats.fixed_width import Field, FixedWidth
from include.connectors.formats.json import Json, JsonLines
from include.connectors.formats.xml import Xml

__all__ = ["Column", "Csv", "Field", "FileFormat", "FixedWidth", "Json", "JsonLines", "LineChecks", "Xml"]
