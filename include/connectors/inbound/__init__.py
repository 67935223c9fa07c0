"""The receive side of the connector contract: what a partner sends us is read (`records`), checked and
applied to the ERP data in one transaction (`apply`). Streams in, never whole files in memory (JSON is the
one exception: a document is read whole, within the inbound size limit)."""

from include.connectors.inbound.apply import (
    Applied,
    CardPayments,
    Inbound,
    InboundKinds,
    PriceSuggestions,
    ProductCatalog,
    SalesReconciliation,
    StockMovements,
    Target,
    inbound_for,
)
from include.connectors.inbound.records import (
    CsvRecords,
    FixedWidthRecords,
    JsonRecords,
    Record,
    RecordReader,
    XmlRecords,
)

__all__ = [
    "Applied",
    "CardPayments",
    "CsvRecords",
    "FixedWidthRecords",
    "Inbound",
    "InboundKinds",
    "JsonRecords",
    "PriceSuggestions",
    "ProductCatalog",
    "Record",
    "RecordReader",
    "SalesReconciliation",
    "StockMovements",
    "Target",
    "XmlRecords",
    "inbound_for",
]
