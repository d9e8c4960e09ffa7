"""SQLModel tables, the engine and the session factory."""

from models.accounts import Organisation, OrganisationKind, Role, User, UserSession
from models.audit import AuditLog
from models.catalog import Part, Trim, VehicleModel
from models.inventory import Location, LocationKind, StockLevel
from models.logistics import (
    CarrierPollState,
    DeadLetter,
    EventSource,
    LegMode,
    ShipmentEvent,
    ShipmentLeg,
    TrackingStatus,
)
from models.messaging import CacheEntry, OutboxMessage, RateLimitEntry
from models.orders import (
    GatewayLedger,
    GatewayScript,
    OrderAttention,
    OrderKind,
    OrderStatus,
    OrderTransition,
    Payment,
    PaymentStatus,
    Refund,
    SalesOrder,
    SalesOrderLine,
    Shipment,
)
from models.showroom import (
    DemoCar,
    Salesperson,
    ShowroomStore,
    TestDrive,
    TestDriveHold,
    TestDriveSlot,
    TestDriveStatus,
)
from models.supply import (
    GoodsReceipt,
    GoodsReceiptLine,
    IncidentSource,
    IncidentStatus,
    PeriodKind,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseOrderLineStatus,
    PurchaseOrderStatus,
    QualityIncident,
    QualityIncidentEvent,
    ScorecardSettings,
    ShippingNotice,
    ShippingNoticeLine,
    ShippingNoticeStatus,
    Standing,
    SupplierControl,
    SupplierScorecard,
    SupplierStockSync,
)

__all__ = [
    "AuditLog", "CacheEntry", "Location", "LocationKind", "Organisation", "OrganisationKind",
    "OutboxMessage", "Part", "RateLimitEntry", "Role", "StockLevel", "Trim", "User", "UserSession",
    "VehicleModel",
    "GatewayLedger", "GatewayScript", "OrderAttention", "OrderKind", "OrderStatus", "OrderTransition",
    "Payment", "PaymentStatus", "Refund", "SalesOrder", "SalesOrderLine", "Shipment",
    "GoodsReceipt", "GoodsReceiptLine", "IncidentSource", "IncidentStatus", "PeriodKind", "PurchaseOrder",
    "PurchaseOrderEvent", "PurchaseOrderLine", "PurchaseOrderLineStatus", "PurchaseOrderStatus",
    "QualityIncident", "QualityIncidentEvent", "ScorecardSettings", "ShippingNotice", "ShippingNoticeLine",
    "ShippingNoticeStatus", "Standing", "SupplierControl", "SupplierScorecard", "SupplierStockSync",
    "DemoCar", "Salesperson", "ShowroomStore", "TestDrive", "TestDriveHold", "TestDriveSlot",
    "TestDriveStatus",
    "CarrierPollState", "DeadLetter", "EventSource", "LegMode", "ShipmentEvent", "ShipmentLeg",
    "TrackingStatus",
]
