/**
 * The simulator's vendor catalog: the twelve vendors of the document's vendor list
 * (GET /api/v1/vendor-payment-gateway), with their codes, locales, methods and currencies as the
 * document gives them (Xendit's repeated CREDIT_CARD and SHOPEEPAY included).
 */
export interface SimVendor {
  Name: string;
  Code: string;
  Lang: string[];
  PaymentMethod: string[];
  Currency: string[];
  Tokenize: boolean;
  Tokenize3ds: boolean;
  SharedCredential: boolean;
}

export const SIMULATED_VENDORS: readonly SimVendor[] = [
  {
    Name: "Xendit",
    Code: "bW4YCvzqds",
    Lang: ["EN", "ID"],
    PaymentMethod: ["CREDIT_CARD", "BCA", "BNI", "BSI", "BRI", "MANDIRI", "PERMATA", "SAHABAT_SAMPOERNA", "BNC", "ALFAMART", "INDOMARET", "OVO", "DANA", "SHOPEEPAY", "LINKAJA", "JENIUSPAY", "DD_BRI", "DD_BCA_KLIKPAY", "KREDIVO", "AKULAKU", "UANGME", "ATOME", "QRIS", "CREDIT_CARD", "7ELEVEN", "CEBUANA", "DD_BPI", "DD_UBP", "DD_RCBC", "DD_BDO_EPAY", "DP_MLHUILLIER", "DP_PALAWAN", "DP_ECPAY_LOAN", "PAYMAYA", "GRABPAY", "GCASH", "SHOPEEPAY", "BILLEASE", "CASHALO", "CREDIT_CARD", "PROMPTPAY"],
    Currency: ["IDR", "PHP", "THB", "VND"],
    Tokenize: true,
    Tokenize3ds: true,
    SharedCredential: false,
  },
  {
    Name: "Stripe",
    Code: "J2fHptOnCv",
    Lang: ["en-gb", "en-us", "id", "ja", "th", "ko", "zh-hk", "zh-cn", "zh-tw", "ms"],
    PaymentMethod: [],
    Currency: ["USD", "IDR", "PHP", "THB", "MYR", "JPY", "CNY", "SGD", "KRW"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: false,
  },
  {
    Name: "Paydollar",
    Code: "XomO6TyQjP",
    Lang: ["en", "zh-hant", "zh-hans", "ja", "th", "fr", "de", "ru", "es", "vi"],
    PaymentMethod: ["ALL", "CC", "VISA", "Master", "JCB", "AMEX", "Diners", "PPS", "PAYPAL", "CHINAPAY", "ALIPAY", "TENPAY", "99BIL", "MEPS", "SCB", "KTB", "UOB", "KRUNGSRIONLINE", "TMB", "IBANKING", "UPOP", "M2U", "CIMBCLICK", "OCTOPUS"],
    Currency: ["HKD", "USD", "SGD", "CNY", "JPY", "TWD", "AUD", "EUR", "GBP", "CAD", "MOP", "PHP", "THB", "MYR", "IDR", "KRW", "SAR", "NZD", "AED", "BND", "VND", "INR"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: false,
  },
  {
    Name: "Reddot",
    Code: "JFthgMzODB",
    Lang: ["en", "id", "es", "fr", "de", "ja", "th", "zh", "zh_cn"],
    PaymentMethod: [],
    Currency: [],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: false,
  },
  {
    Name: "Komoju",
    Code: "6EOzpRtapC",
    Lang: ["en", "ja", "ko"],
    PaymentMethod: ["alipay", "alipay_hk", "amazon_pay", "tng", "gcash", "kakaopay", "truemoney", "dana", "au", "aupay", "bancontact", "bank_transfer", "banrisul", "bit_cash", "blik", "credit_card", "credit_card_korea", "credit_card_brazil", "culture_voucher", "cvs", "doku_wallet", "docomo", "dospara", "dragonpay", "enets", "epospay", "eps", "fpx", "giropay", "grabpayotp", "happy_money", "ideal", "japan_mobile", "konbini", "komoju_pay", "linepay", "merpay", "mobile", "multibanco", "mybank", "narvesen", "naverpay", "nanaco", "net_cash", "ovo", "pay_easy", "payco", "paypay", "paypost", "paysafe_card", "paysera", "payu", "perlas", "pix", "poli", "przelewy24", "rakutenpay", "sofortbanking", "softbank", "steam_prepaid_card", "unionpay", "web_money", "wechatpay", "paidy", "toss"],
    Currency: ["JPY", "USD", "EUR", "TWD", "KRW", "PLN", "GBP", "HKD", "SGD", "NZD", "AUD", "IDR", "MYR", "PHP", "THB", "CNY", "BRL", "CHF", "CAD", "VND"],
    Tokenize: true,
    Tokenize3ds: true,
    SharedCredential: true,
  },
  {
    Name: "Omise",
    Code: "RwQCcDM569",
    Lang: ["en", "ja", "th", "id"],
    PaymentMethod: [],
    Currency: ["AUD", "CAD", "CHF", "CNY", "DKK", "EUR", "GBP", "HKD", "JPY", "MYR", "SGD", "THB", "USD"],
    Tokenize: true,
    Tokenize3ds: false,
    SharedCredential: false,
  },
  {
    Name: "Bimopay",
    Code: "tXezKhseYS",
    Lang: ["en", "zh-hant", "zh-hans", "ja", "th", "fr", "de", "ru", "es", "vi"],
    PaymentMethod: ["ALL", "CC", "VISA", "Master", "JCB", "AMEX", "Diners", "PPS", "PAYPAL", "CHINAPAY", "ALIPAY", "TENPAY", "99BIL", "MEPS", "SCB", "KTB", "UOB", "KRUNGSRIONLINE", "TMB", "IBANKING", "UPOP", "M2U", "CIMBCLICK", "OCTOPUS"],
    Currency: ["HKD", "USD", "SGD", "CNY", "JPY", "TWD", "AUD", "EUR", "GBP", "CAD", "MOP", "PHP", "THB", "MYR", "IDR", "KRW", "SAR", "NZD", "AED", "BND", "VND", "INR"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: false,
  },
  {
    Name: "Siampay",
    Code: "not33AXqwW",
    Lang: ["en", "zh-hant", "zh-hans", "ja", "th", "fr", "de", "ru", "es", "vi"],
    PaymentMethod: ["ALL", "CC", "VISA", "Master", "JCB", "AMEX", "Diners", "PPS", "PAYPAL", "CHINAPAY", "ALIPAY", "TENPAY", "99BIL", "MEPS", "SCB", "KTB", "UOB", "KRUNGSRIONLINE", "TMB", "IBANKING", "UPOP", "M2U", "CIMBCLICK", "OCTOPUS"],
    Currency: ["HKD", "USD", "SGD", "CNY", "JPY", "TWD", "AUD", "EUR", "GBP", "CAD", "MOP", "PHP", "THB", "MYR", "IDR", "KRW", "SAR", "NZD", "AED", "BND", "VND", "INR"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: true,
  },
  {
    Name: "Pesopay",
    Code: "2RDZvEFAMr",
    Lang: ["en", "zh-hant", "zh-hans", "ja", "th", "fr", "de", "ru", "es", "vi"],
    PaymentMethod: ["ALL", "CC", "VISA", "Master", "JCB", "AMEX", "Diners", "PPS", "PAYPAL", "CHINAPAY", "ALIPAY", "TENPAY", "99BIL", "MEPS", "SCB", "KTB", "UOB", "KRUNGSRIONLINE", "TMB", "IBANKING", "UPOP", "M2U", "CIMBCLICK", "OCTOPUS"],
    Currency: ["HKD", "USD", "SGD", "CNY", "JPY", "TWD", "AUD", "EUR", "GBP", "CAD", "MOP", "PHP", "THB", "MYR", "IDR", "KRW", "SAR", "NZD", "AED", "BND", "VND", "INR"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: true,
  },
  {
    Name: "Cathay",
    Code: "mlid6Rv36x",
    Lang: ["EN-US", "ZH-TW", "JA-JP", "KO-KR"],
    PaymentMethod: [],
    Currency: ["TWD"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: true,
  },
  {
    Name: "Cibpaynow",
    Code: "2mI6PWZao5",
    Lang: ["EN"],
    PaymentMethod: ["CREDIT_CARD"],
    Currency: ["EUR", "USD", "GBP", "EGP"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: false,
  },
  {
    Name: "LinePay",
    Code: "bsvB4sgwMS",
    Lang: ["en", "ja", "ko", "th", "zh_TW", "zh_CN"],
    PaymentMethod: [],
    Currency: ["IDR", "USD", "JPY", "TWD", "THB"],
    Tokenize: false,
    Tokenize3ds: false,
    SharedCredential: false,
  },
];
