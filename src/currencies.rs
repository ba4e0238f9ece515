//! ISO 4217 currency codes a workspace may price deals in.
//!
//! The circulating currencies of the ISO 4217 list as amended through
//! 2025 (XCG replaced ANG, ZWG replaced ZWL, SLE replaced SLL, HRK went
//! with Croatia's move to the euro, CUC was withdrawn). Fund codes (BOV,
//! CHE, CHW, CLF, COU, MXV, USN, UYI, UYW), precious metals, bond units,
//! SDR/XSU/XUA and the testing codes XTS/XXX are left out on purpose:
//! nobody sells in them. Sorted, so lookups are a binary search.

/// Every accepted code, sorted.
pub const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD",
    "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP",
    "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD",
    "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN",
    "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB",
    "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL",
    "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS", "VED", "VES",
    "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// Whether `code` is an accepted currency (exact, uppercase).
pub fn is_currency(code: &str) -> bool {
    ISO_4217.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_unique_and_three_uppercase_letters() {
        assert!(ISO_4217.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        assert!(ISO_4217.iter().all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase())));
        assert!(ISO_4217.len() >= 150, "{} codes", ISO_4217.len());
    }

    #[test]
    fn codes() {
        for (code, ok) in [("USD", true), ("EUR", true), ("XCG", true), ("usd", false), ("ABC", false), ("XXX", false)]
        {
            assert_eq!(is_currency(code), ok, "{code}");
        }
    }
}
