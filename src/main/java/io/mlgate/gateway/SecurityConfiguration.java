package io.mlgate.gateway;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

/**
 * The Spring Security chain for the AWS APIs, kept minimal because it runs on every data-plane call: no sessions,
 * no request cache, no CSRF (SigV4 requests carry no ambient credentials), no form or basic login, no extra
 * headers. Authentication is the SigV4 filter; authorization is IAM; failures render in the protocol's error shape.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
public class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain apiSecurityChain(ServerHttpSecurity http, SigV4AuthenticationFilter sigV4,
                                            IamAuthorizationManager iam) {
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .addFilterAt(sigV4, SecurityWebFiltersOrder.AUTHENTICATION)
                .authorizeExchange(exchanges -> exchanges.anyExchange().access(iam))
                .exceptionHandling(handling -> handling
                        .authenticationEntryPoint((exchange, e) -> ErrorResponder.write(exchange,
                                new AwsError(403, GatewayCall.of(exchange).protocol() == AwsProtocol.QUERY
                                        ? "MissingAuthenticationToken" : "MissingAuthenticationTokenException",
                                        "Missing Authentication Token")))
                        .accessDeniedHandler((exchange, e) -> {
                            GatewayCall call = GatewayCall.of(exchange);
                            String message = call.accessDeniedMessage() != null ? call.accessDeniedMessage()
                                    : "You are not authorized to perform this operation.";
                            return ErrorResponder.write(exchange, AwsError.accessDenied(call.protocol(), message));
                        }))
                .build();
    }
}
