package io.rtprofile.generator;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * The fixed world the customers live in: shop categories and products, names, countries, stores.
 */
final class Catalog {

    private Catalog() {}

    /** A product on sale. */
    record Product(String sku, String name, BigDecimal price) {}

    /**
     * A shop category: what customers search for to find it, its products, and the interest label
     * (as the app's onboarding records it) of customers drawn to it.
     */
    record Category(String id, String interest, List<String> queries, List<Product> products) {}

    static final List<Category> CATEGORIES =
            List.of(
                    category(
                            "sneakers",
                            "running",
                            List.of(
                                    "sneakers",
                                    "red sneakers",
                                    "running shoes",
                                    "white sneakers",
                                    "trail running shoes",
                                    "sneakers size 42"),
                            product("SK-1001", "Red Runner sneakers", "129.90"),
                            product("SK-1002", "Classic white sneakers", "89.90"),
                            product("SK-1003", "Trail running shoes", "149.00"),
                            product("SK-1004", "Kids sneakers", "49.90"),
                            product("SK-1005", "Court sneakers", "109.00")),
                    category(
                            "bags",
                            "fashion",
                            List.of("handbag", "leather handbag", "tote bag", "backpack", "wallet"),
                            product("SK-2001", "Leather handbag", "249.00"),
                            product("SK-2002", "Canvas tote bag", "39.90"),
                            product("SK-2003", "City backpack", "79.90"),
                            product("SK-2004", "Card wallet", "29.90")),
                    category(
                            "outdoor",
                            "outdoor",
                            List.of("rain jacket", "hiking boots", "tent", "winter jacket"),
                            product("SK-3001", "Rain jacket", "119.00"),
                            product("SK-3002", "Hiking boots", "159.90"),
                            product("SK-3003", "Two-person tent", "229.00"),
                            product("SK-3004", "Down winter jacket", "279.00")),
                    category(
                            "fitness",
                            "fitness",
                            List.of("yoga mat", "running shorts", "fitness tracker", "dumbbells"),
                            product("SK-4001", "Yoga mat", "34.90"),
                            product("SK-4002", "Running shorts", "29.90"),
                            product("SK-4003", "Fitness tracker", "99.00"),
                            product("SK-4004", "Adjustable dumbbells", "189.00")),
                    category(
                            "home",
                            "home",
                            List.of("coffee maker", "desk lamp", "scented candle", "throw blanket"),
                            product("SK-5001", "Espresso coffee maker", "199.00"),
                            product("SK-5002", "Desk lamp", "45.90"),
                            product("SK-5003", "Scented candle", "19.90"),
                            product("SK-5004", "Wool throw blanket", "69.00")),
                    category(
                            "electronics",
                            "tech",
                            List.of(
                                    "wireless headphones",
                                    "smart watch",
                                    "phone case",
                                    "bluetooth speaker"),
                            product("SK-6001", "Wireless headphones", "179.00"),
                            product("SK-6002", "Smart watch", "299.00"),
                            product("SK-6003", "Phone case", "24.90"),
                            product("SK-6004", "Bluetooth speaker", "59.90")));

    /** Countries with their share of customers, currency and phone calling code. */
    record Country(String code, double weight, String currency, String callingCode) {}

    static final List<Country> COUNTRIES =
            List.of(
                    new Country("US", 0.30, "USD", "1"),
                    new Country("FR", 0.20, "EUR", "33"),
                    new Country("DE", 0.15, "EUR", "49"),
                    new Country("GB", 0.15, "GBP", "44"),
                    new Country("ES", 0.08, "EUR", "34"),
                    new Country("IT", 0.07, "EUR", "39"),
                    new Country("NL", 0.05, "EUR", "31"));

    static final List<String> FIRST_NAMES =
            List.of(
                    "Ann", "Ben", "Chloé", "David", "Emma", "Felix", "Grace", "Hugo", "Isabel",
                    "Jonas", "Kate", "Liam", "Marie", "Noah", "Olivia", "Paul", "Quentin", "Rosa",
                    "Sam", "Theo", "Ursula", "Victor", "Wendy", "Xavier", "Yasmin", "Zoë", "Lucía",
                    "Mateo", "Giulia", "Lars", "Sophie", "Omar", "Léa", "Jan", "Aisha", "Tom");

    static final List<String> LAST_NAMES =
            List.of(
                    "Lee",
                    "Martin",
                    "Müller",
                    "Smith",
                    "Garcia",
                    "Rossi",
                    "Dubois",
                    "de Vries",
                    "Johnson",
                    "Bernard",
                    "Schmidt",
                    "Brown",
                    "López",
                    "Bianchi",
                    "Moreau",
                    "Jansen",
                    "Williams",
                    "Fischer",
                    "Taylor",
                    "Fernández",
                    "Romano",
                    "Laurent",
                    "Bakker",
                    "Wilson",
                    "Weber",
                    "O'Neil",
                    "Nguyen",
                    "Kowalski",
                    "Silva",
                    "Khan");

    /** Reserved example domains (RFC 2606), so generated emails can never reach anyone. */
    static final List<String> EMAIL_DOMAINS =
            List.of("example.com", "example.org", "example.net", "mail.example");

    static final List<String> TIERS = List.of("none", "silver", "gold", "platinum");

    static final int STORES_PER_COUNTRY = 6;

    static final List<String> APP_VERSIONS = List.of("5.2.0", "5.2.1", "5.3.0", "5.4.0");

    static final List<String> REFERRERS =
            List.of(
                    "https://www.google.com/",
                    "https://www.instagram.com/",
                    "https://newsletter.example.com/",
                    "https://www.bing.com/",
                    "");

    static String storeId(String countryCode, int store) {
        return "store-" + countryCode.toLowerCase(Locale.ROOT) + "-" + (store + 1);
    }

    private static Category category(
            String id, String interest, List<String> queries, Product... products) {
        return new Category(id, interest, queries, List.of(products));
    }

    private static Product product(String sku, String name, String price) {
        return new Product(sku, name, new BigDecimal(price));
    }
}
