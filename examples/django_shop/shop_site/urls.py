from django.contrib.auth import views as auth
from django.urls import path

from shop import views

urlpatterns = [
    path("", views.home, name="home"),
    path("boutiques/<slug:slug>/", views.store_page, name="store"),
    path("panier/", views.cart_page, name="cart"),
    path("panier/ajouter/<int:product_id>/", views.add_to_cart, name="add_to_cart"),
    path("panier/retirer/<int:product_id>/", views.remove_from_cart, name="remove_from_cart"),
    path("commander/", views.checkout, name="checkout"),
    path("commandes/<int:order_id>/", views.order_page, name="order"),
    path("payments/", views.my_payments, name="my_payments"),
    path("store/orders/", views.vendor_orders, name="vendor_orders"),
    path("notifications/<slug:slug>/", views.notification, name="notification"),
    path("inscription/", views.signup, name="signup"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
]
