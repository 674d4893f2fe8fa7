/**
 * Realistic synthetic customer events for {@code rtprofile generate}, the demo and benchmarks.
 *
 * <p>Entry points: {@link io.rtprofile.generator.EventGenerator} (an iterator of JSON lines) and
 * {@link io.rtprofile.generator.GeneratorConfig}. The ground truth of purchases is {@link
 * io.rtprofile.generator.PurchaseModel}.
 *
 * <h2>The data</h2>
 *
 * <p>{@code profiles} customers (people). Activity is Zipf-distributed (exponent 0.8): the top 10%
 * of customers make about half of the events. Each customer has 1-3 web devices (an {@code ecid}
 * each, 16 hex digits), 25% also the mobile app (its own {@code ecid}), a canonical email, 60% a
 * CRM id ({@code CRM} + 8 digits) with a loyalty tier, 35% a phone number (E.164), 30% a home
 * store. Identities of two customers never link.
 *
 * <table>
 *   <caption>Event types</caption>
 *   <tr><th>type</th><th>source</th><th>identities</th><th>attributes / properties</th></tr>
 *   <tr><td>{@code web.pageView}</td><td>web</td><td>ecid [+ email]</td>
 *       <td>page, url, referrer; sometimes attribute {@code country} (web geo, 5% travelling)</td></tr>
 *   <tr><td>{@code web.search}</td><td>web</td><td>ecid [+ email]</td>
 *       <td>query ("red sneakers", "handbag", ...), results</td></tr>
 *   <tr><td>{@code web.productView}</td><td>web</td><td>ecid [+ email]</td>
 *       <td>sku, name, category, value, currency</td></tr>
 *   <tr><td>{@code web.login}</td><td>web</td><td>ecid + email</td>
 *       <td>method; links the anonymous device to the person</td></tr>
 *   <tr><td>{@code commerce.addToCart}</td><td>web</td><td>ecid [+ email [+ crm]]</td>
 *       <td>sku, value, currency, quantity</td></tr>
 *   <tr><td>{@code commerce.checkout}</td><td>web</td><td>ecid [+ email [+ crm]]</td>
 *       <td>value, currency, items (also abandoned checkouts)</td></tr>
 *   <tr><td>{@code commerce.purchase}</td><td>web</td><td>ecid + email [+ crm]</td>
 *       <td>orderId, sku, value, currency, items</td></tr>
 *   <tr><td>{@code commerce.purchase}</td><td>pos</td><td>crm [+ phone] | phone | email</td>
 *       <td>orderId, storeId, sku, value, currency, items; sometimes attribute
 *       {@code preferredStore}</td></tr>
 *   <tr><td>{@code app.open}</td><td>app</td><td>ecid [+ phone | email]</td>
 *       <td>appVersion, screen; attributes {@code platform} (first open), sometimes
 *       {@code interests} (a list)</td></tr>
 *   <tr><td>{@code consent.update}</td><td>web, crm, app</td><td>ecid + email | crm + email |
 *       ecid + phone</td><td>attribute {@code consentEmail} or {@code consentSms} (boolean);
 *       channel, method</td></tr>
 *   <tr><td>{@code crm.record}</td><td>crm</td><td>crm + email [+ phone]</td>
 *       <td>first record: firstName, lastName, loyaltyTier, country, birthYear; later:
 *       loyaltyTier (members move up a tier every 4 purchases)</td></tr>
 * </table>
 *
 * <p>Emails as typed are not clean: about 20% carry capitals or stray whitespace ({@code "
 * Ann.Lee42@Example.com"}); the engine trims and lower-cases them. Values are decimals with cents
 * ({@code 129.90}). Timestamps are ISO-8601 UTC with milliseconds; eventIds are {@code
 * e-<seed>-<n>}. About 20% of sessions are the CRM import of a customer not imported yet, so CRM
 * records reach most members early in a run with about 10 events per customer.
 *
 * <h2>Determinism</h2>
 *
 * <p>One {@link java.util.Random} per run (and one per customer for its traits), {@link
 * java.lang.StrictMath} for every floating-point function, no hash-ordered collections: the same
 * configuration gives byte-identical output on every JVM.
 */
package io.rtprofile.generator;
