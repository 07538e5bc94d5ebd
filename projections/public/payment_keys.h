// The typed keys of the trace-linked payment views (R-4.4.P; ViewKey: projections/base/keys.h).
#pragma once

#include "projections/base/keys.h"

namespace agritrace::projections::payments::keys {

inline constexpr ViewKey<ViewKind::kPayment> payment;  // pay/T/transaction_id: a notified payment
// payv/sha256(voucher)/T/transaction_id: the global lookup of a voucher (transaction id or the
// merchant's order number; hashed so that any printable voucher is one key segment).
inline constexpr ViewKey<ViewKind::kPaymentByVoucher> by_voucher;

}  // namespace agritrace::projections::payments::keys
